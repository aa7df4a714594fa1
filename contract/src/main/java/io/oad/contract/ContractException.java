package io.oad.contract;

/** A record does not satisfy the wire contract; the message says which rule it breaks. */
public class ContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a reason that names the broken rule. */
  public ContractException(String message) {
    super(message);
  }
}
