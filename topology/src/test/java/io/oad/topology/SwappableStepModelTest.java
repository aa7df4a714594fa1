package io.oad.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SwappableStepModelTest {
  @Test
  void shouldRefuseAModelWhoseSmokePredictionIsNotFinite() {
    SwappableStepModel model = new SwappableStepModel(new Constant("v1", 0.5f), null);
    Constant broken = new Constant("broken", Float.NaN);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model.swap(broken, null));

    assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    assertTrue(broken.closed.get());
    assertEquals("v1", model.score(new float[1][4][3]).modelId());
  }

  @Test
  void shouldRefuseAModelWhoseSmokePredictionFails() {
    SwappableStepModel model = new SwappableStepModel(new Constant("v1", 0.5f), null);
    Constant failing =
        new Constant("failing", 0.5f) {
          @Override
          public Output predict(float[][][] windows) {
            throw new IllegalStateException("weights missing");
          }
        };

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> model.swap(failing, null));

    assertTrue(e.getMessage().contains("weights missing"), e.getMessage());
    assertEquals("v1", model.modelId());
  }

  @Test
  void shouldCloseAReplacedVersionOnlyAfterItsLastCallReturned() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    Constant slow =
        new Constant("slow", 0.25f) {
          @Override
          public Output predict(float[][][] windows) {
            if (windows.length == 2) { // the test's call, not the smoke prediction
              entered.countDown();
              await(proceed);
            }
            return super.predict(windows);
          }
        };
    SwappableStepModel model = new SwappableStepModel(slow, null);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<StepModel.Scored> inFlight = pool.submit(() -> model.score(new float[2][4][3]));
      assertTrue(entered.await(10, TimeUnit.SECONDS));

      model.swap(new Constant("fast", 0.75f), null);

      assertFalse(slow.closed.get(), "still in use by the call in flight");
      assertEquals("fast", model.score(new float[1][4][3]).modelId());
      proceed.countDown();
      StepModel.Scored scored = inFlight.get(10, TimeUnit.SECONDS);
      assertEquals("slow", scored.modelId());
      assertEquals(0.25f, scored.output().current()[0][0]);
      assertTrue(slow.closed.get(), "closed after its last call");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldNeverMixTheOutputOfOneVersionWithTheIdOfAnotherUnderConcurrentSwaps()
      throws Exception {
    SwappableStepModel model = new SwappableStepModel(new Constant("v0", 0f), null);
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> scorers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        scorers.add(
            pool.submit(
                () -> {
                  int n = 0;
                  while (!stop.get()) {
                    StepModel.Scored s = model.score(new float[1][4][3]);
                    int version = Integer.parseInt(s.modelId().substring(1));
                    // Constant(v) answers v / 1000 everywhere and is never used after close
                    assertEquals(version / 1000f, s.output().current()[0][0], s.modelId());
                    n++;
                  }
                  return n;
                }));
      }
      for (int v = 1; v <= 300; v++) {
        model.swap(new Constant("v" + v, v / 1000f), null);
      }
      stop.set(true);
      for (Future<Integer> f : scorers) {
        assertTrue(f.get(30, TimeUnit.SECONDS) > 0);
      }
      assertEquals("v300", model.modelId());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldScoreAShadowOnTheSameWindowsWithoutChangingPredictionsThenPromoteIt() {
    SwappableStepModel model = new SwappableStepModel(new Constant("v1", 0.25f), null);
    Constant candidate = new Constant("v2", 0.75f);
    List<String> pairs = new ArrayList<>();
    model.startShadow(
        candidate,
        null,
        (serving, shadow, nanos) ->
            pairs.add(
                serving.modelId()
                    + "="
                    + serving.output().current()[0][0]
                    + " "
                    + shadow.modelId()
                    + "="
                    + shadow.output().current()[0][0]));

    StepModel.Scored scored = model.score(new float[1][4][3]);

    assertEquals("v1", scored.modelId(), "the shadow never serves");
    assertEquals(0.25f, scored.output().current()[0][0]);
    assertEquals(List.of("v1=0.25 v2=0.75"), pairs);
    assertEquals("v2", model.shadowModelId());

    assertEquals("v1", model.promoteShadow());
    assertEquals("v2", model.score(new float[1][4][3]).modelId());
    assertEquals(null, model.shadowModelId());
    assertEquals(1, pairs.size(), "no shadow after the promotion");
    assertThrows(IllegalStateException.class, model::promoteShadow);
    model.shutdown();
    assertTrue(candidate.closed.get());
  }

  @Test
  void shouldKeepServingWhenTheShadowFailsAndCloseADroppedShadow() {
    SwappableStepModel model = new SwappableStepModel(new Constant("v1", 0.25f), null);
    AtomicBoolean fail = new AtomicBoolean();
    Constant flaky =
        new Constant("flaky", 0.5f) {
          @Override
          public Output predict(float[][][] windows) {
            if (fail.get()) {
              throw new IllegalStateException("out of memory");
            }
            return super.predict(windows);
          }
        };
    List<StepModel.Scored> shadows = new ArrayList<>();
    model.startShadow(flaky, null, (serving, shadow, nanos) -> shadows.add(shadow));
    fail.set(true);

    assertEquals("v1", model.score(new float[1][4][3]).modelId());

    assertEquals(1, shadows.size());
    assertEquals(null, shadows.get(0), "a failed shadow call is reported as null");
    model.dropShadow();
    assertTrue(flaky.closed.get());
    assertEquals("v1", model.score(new float[1][4][3]).modelId());
    assertEquals(1, shadows.size());
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers {@code value} for every class; refuses calls after close. Window 4, 3 features. */
  private static class Constant implements StepModel {
    final String id;
    final float value;
    final AtomicBoolean closed = new AtomicBoolean();

    Constant(String id, float value) {
      this.id = id;
      this.value = value;
    }

    @Override
    public int window() {
      return 4;
    }

    @Override
    public int featureDim() {
      return 3;
    }

    @Override
    public List<String> classNames() {
      return List.of("background", "a");
    }

    @Override
    public String modelId() {
      return id;
    }

    @Override
    public Output predict(float[][][] windows) {
      if (closed.get()) {
        throw new IllegalStateException(id + " used after close");
      }
      float[][] current = new float[windows.length][2];
      for (float[] row : current) {
        Arrays.fill(row, value);
      }
      return new Output(current, new float[windows.length][0][]);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }
}
