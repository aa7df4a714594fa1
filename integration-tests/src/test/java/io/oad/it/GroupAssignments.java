package io.oad.it;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Which member of a consumer group owns which partitions of a topic, from the group coordinator (an
 * {@link Admin} description), and which partition a camera's records go to.
 */
final class GroupAssignments {
  private GroupAssignments() {}

  /**
   * Partitions of {@code topic} by member client id (members without any are left out).
   *
   * @return an empty map while the group is rebalancing
   */
  static Map<String, Set<Integer>> owners(String bootstrap, String group, String topic) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      Map<String, Set<Integer>> owners = new TreeMap<>();
      for (MemberDescription m : d.members()) {
        for (TopicPartition tp : m.assignment().topicPartitions()) {
          if (tp.topic().equals(topic)) {
            owners.computeIfAbsent(m.clientId(), k -> new TreeSet<>()).add(tp.partition());
          }
        }
      }
      return owners;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      return Map.of(); // group not known yet
    }
  }

  /**
   * Waits until {@code members} members whose client ids start with the given prefixes together own
   * all {@code partitions} partitions of the topic, each at least one; returns the owners.
   */
  static Map<String, Set<Integer>> await(
      String bootstrap, String group, String topic, int partitions, int members, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Set<Integer>> owners = Map.of();
    while (System.nanoTime() < deadline) {
      owners = owners(bootstrap, group, topic);
      int total = owners.values().stream().mapToInt(Set::size).sum();
      if (owners.size() == members && total == partitions) {
        return owners;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "group "
            + group
            + " did not settle on "
            + members
            + " members in "
            + timeout
            + ": "
            + owners);
  }

  /** The partition the default partitioner sends {@code key} to. */
  static int partitionOf(String key, int partitions) {
    byte[] bytes = new StringSerializer().serialize(null, key);
    return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
  }
}
