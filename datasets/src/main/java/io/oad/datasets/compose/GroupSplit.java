package io.oad.datasets.compose;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Which groups (people, cameras, sessions) are trained on, which choose the schedule and which are
 * held out for the evaluation: disjoint, each named group existing, and every action trained on.
 *
 * @param train groups trained on, in sorted order
 * @param val validation groups, never trained on
 * @param holdout held-out groups, never trained on, evaluated at the end
 */
public record GroupSplit(List<String> train, List<String> val, List<String> holdout) {
  /** Compact form: copies. */
  public GroupSplit {
    train = List.copyOf(train);
    val = List.copyOf(val);
    holdout = List.copyOf(holdout);
  }

  /**
   * Splits {@code groups}.
   *
   * @param groups every group, sorted
   * @param actionsOf the actions a group shows
   * @param actions every action
   * @param holdout held-out groups, or null for the last group
   * @param val validation groups (may be empty)
   * @param source what the groups were read from, for messages
   * @param unit what a group is made of ("clip", "video"), for messages
   * @throws IllegalArgumentException naming the group that matches nothing, a group both held out
   *     and validation, no group left to train on, or the actions no training group shows
   */
  public static GroupSplit of(
      List<String> groups,
      Function<String, Collection<String>> actionsOf,
      List<String> actions,
      List<String> holdout,
      List<String> val,
      String source,
      String unit) {
    List<String> held = holdout != null ? holdout : List.of(groups.get(groups.size() - 1));
    requireGroups(groups, held, "--holdout-groups", source, unit);
    requireGroups(groups, val, "--val-groups", source, unit);
    for (String g : val) {
      if (held.contains(g)) {
        throw new IllegalArgumentException(
            "group '" + g + "' is in both --holdout-groups and --val-groups");
      }
    }
    List<String> train = new ArrayList<>(groups);
    train.removeAll(held);
    train.removeAll(val);
    if (train.isEmpty()) {
      throw new IllegalArgumentException(
          "no group left to train on in "
              + source
              + ": all of "
              + groups
              + " are held out or validation");
    }
    List<String> untaught = new ArrayList<>(actions);
    for (String g : train) {
      untaught.removeAll(actionsOf.apply(g));
    }
    if (!untaught.isEmpty()) {
      throw new IllegalArgumentException(
          "no training "
              + unit
              + " of action(s) "
              + untaught
              + " in "
              + source
              + " once "
              + held
              + " and "
              + val
              + " are set aside");
    }
    return new GroupSplit(train, val, held);
  }

  /**
   * Checks that every named group exists.
   *
   * @param option the option the names came from, for the message
   * @throws IllegalArgumentException naming the group that matches nothing
   */
  public static void requireGroups(
      List<String> groups, List<String> named, String option, String source, String unit) {
    for (String g : named) {
      if (!groups.contains(g)) {
        throw new IllegalArgumentException(
            option
                + " group '"
                + g
                + "' matches no "
                + unit
                + " in "
                + source
                + "; groups there: "
                + groups);
      }
    }
  }
}
