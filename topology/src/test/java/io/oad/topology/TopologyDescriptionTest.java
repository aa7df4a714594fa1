package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pins node, store and topic names: renaming them would orphan state and break deployments. */
class TopologyDescriptionTest {
  @TempDir Path stateDir;

  @Test
  void shouldPinProcessorSourceSinkAndStoreNames() {
    Topology topology =
        DetectorTopology.build(TopologyOptions.defaults(), new FakeStepModel.Factory(4, 3));
    TopologyDescription description = topology.describe();

    assertEquals(1, description.subtopologies().size());
    assertTrue(description.globalStores().isEmpty());
    TopologyDescription.Subtopology sub = description.subtopologies().iterator().next();
    Set<String> names =
        sub.nodes().stream().map(TopologyDescription.Node::name).collect(Collectors.toSet());
    assertEquals(
        Set.of(
            "embeddings-source",
            "embeddings-guard",
            "window-and-detect",
            "predictions-sink",
            "action-events",
            "camera-liveness",
            "events-sink"),
        names);

    for (TopologyDescription.Node node : sub.nodes()) {
      switch (node.name()) {
        case "embeddings-source" -> {
          var source = (TopologyDescription.Source) node;
          assertEquals(Set.of("oad.embeddings"), source.topicSet());
          assertEquals(List.of("embeddings-guard"), names(node.successors()));
        }
        case "embeddings-guard" -> {
          var processor = (TopologyDescription.Processor) node;
          assertTrue(processor.stores().isEmpty());
          assertEquals(List.of("camera-liveness", "window-and-detect"), names(node.successors()));
        }
        case "window-and-detect" -> {
          var processor = (TopologyDescription.Processor) node;
          assertEquals(Set.of("camera-windows"), processor.stores());
          assertEquals(List.of("action-events", "predictions-sink"), names(node.successors()));
        }
        case "action-events" -> {
          var processor = (TopologyDescription.Processor) node;
          assertEquals(Set.of("camera-episodes"), processor.stores());
          assertEquals(List.of("events-sink"), names(node.successors()));
        }
        case "camera-liveness" -> {
          var processor = (TopologyDescription.Processor) node;
          // the windows and episodes of cameras past the retention are removed from here too
          assertEquals(
              Set.of("camera-last-seen", "camera-windows", "camera-episodes"), processor.stores());
          assertEquals(List.of("events-sink"), names(node.successors()));
        }
        case "predictions-sink" -> {
          var sink = (TopologyDescription.Sink) node;
          assertEquals("oad.predictions", sink.topic());
          assertTrue(node.successors().isEmpty());
        }
        case "events-sink" -> {
          var sink = (TopologyDescription.Sink) node;
          assertEquals("oad.events", sink.topic());
          assertEquals(List.of("action-events", "camera-liveness"), names(node.predecessors()));
          assertTrue(node.successors().isEmpty());
        }
        default -> throw new AssertionError("unexpected node " + node.name());
      }
    }
  }

  @Test
  void shouldRefuseATopologyWithGeneratedInternalNamesUnderTheAppProperties() {
    // proves that DetectConfig enables ensure.explicit.internal.resource.naming
    DetectConfig config = DetectConfig.builder().stateDir(stateDir).build();
    StreamsBuilder builder =
        new StreamsBuilder(
            new org.apache.kafka.streams.TopologyConfig(
                new StreamsConfig(config.streamsProperties())));
    builder.stream("in", Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count();
    TopologyException e = assertThrows(TopologyException.class, builder::build);
    assertTrue(e.getMessage().contains("has not been named"), e.getMessage());
  }

  @Test
  void shouldAcceptTheDetectorTopologyUnderTheAppProperties() {
    var props =
        DetectorApp.streamsProperties(
            DetectConfig.builder().stateDir(stateDir).build(), new DetectorMetrics());
    Topology topology =
        DetectorTopology.build(
            DetectConfig.builder().stateDir(stateDir).build(),
            new FakeStepModel.Factory(4, 3),
            new DetectorMetrics());
    new TopologyTestDriver(topology, props).close();
  }

  private static List<String> names(Set<TopologyDescription.Node> nodes) {
    return nodes.stream().map(TopologyDescription.Node::name).sorted().toList();
  }
}
