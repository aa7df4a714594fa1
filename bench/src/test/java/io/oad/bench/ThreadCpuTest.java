package io.oad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void shouldCountEveryExtractorWorkerAsTheExtractorButNotItsClientThreads() {
    assertEquals(ThreadCpu.EXTRACTOR, ThreadCpu.component("oad-extractor"));
    assertEquals(ThreadCpu.EXTRACTOR, ThreadCpu.component("oad-extractor-0"));
    assertEquals(ThreadCpu.EXTRACTOR, ThreadCpu.component("oad-extractor-13"));
    // the group id appears in the names of the consumer's own threads: they are client I/O
    assertEquals(
        ThreadCpu.CLIENTS,
        ThreadCpu.component("kafka-coordinator-heartbeat-thread | oad-extractor"));
    assertEquals(ThreadCpu.BROKER, ThreadCpu.component("oad-extractorx"));
  }
}
