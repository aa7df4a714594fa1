package io.oad.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Sizes of a Kafka Streams application's changelog partitions: what an instance without a local
 * copy (and without standby replicas) must read to restore those tasks.
 */
final class ChangelogOffsets {
  private ChangelogOffsets() {}

  /**
   * Records (end minus start offset, transaction markers included) in the changelog partitions
   * {@code partitions} of every changelog topic of {@code applicationId}.
   */
  static long records(String bootstrap, String applicationId, Set<Integer> partitions)
      throws InterruptedException, ExecutionException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<String> changelogs =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-changelog"))
              .toList();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String t : changelogs) {
        for (int p : partitions) {
          earliest.put(new TopicPartition(t, p), OffsetSpec.earliest());
          latest.put(new TopicPartition(t, p), OffsetSpec.latest());
        }
      }
      var start = admin.listOffsets(earliest).all().get();
      var end = admin.listOffsets(latest).all().get();
      long n = 0;
      for (TopicPartition tp : end.keySet()) {
        n += end.get(tp).offset() - start.get(tp).offset();
      }
      return n;
    }
  }
}
