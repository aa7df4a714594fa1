package io.oad.service.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.oad.contract.ActionEvent;
import io.oad.contract.ActionEvent.Type;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static ActionEvent event(String camera, Type type, String action, long start) {
    return new ActionEvent(camera, type, action, start, -1, 0.9);
  }

  /** Lets through and remembers, as the forwarder does after a delivery. */
  private static boolean send(RateLimiter limiter, ActionEvent e) {
    if (!limiter.allows(e)) {
      return false;
    }
    limiter.sent(e);
    return true;
  }

  @Test
  void shouldLetOneEventPerCameraTypeAndActionThroughPerWindow() {
    RateLimiter limiter = new RateLimiter(10_000, 100);
    assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 1_000)));
    assertFalse(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 1_000)), "same time");
    assertFalse(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 10_999)), "in window");
    assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 11_000)), "window over");
    assertFalse(
        send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 12_000)),
        "the window starts again at the last event let through");
    assertTrue(send(limiter, event("cam-2", Type.ACTION_STARTED, "wave", 12_000)), "other camera");
    assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "walk", 12_000)), "other action");
    assertTrue(
        send(limiter, event("cam-1", Type.ACTION_ANTICIPATED, "wave", 12_000)), "other type");
    assertTrue(send(limiter, event("cam-1", Type.CAMERA_OFFLINE, null, 12_000)), "null action");
    assertFalse(send(limiter, event("cam-1", Type.CAMERA_OFFLINE, null, 13_000)));
  }

  @Test
  void shouldNotCountAnEventThatWasOnlyAskedAbout() {
    RateLimiter limiter = new RateLimiter(10_000, 100);
    ActionEvent e = event("cam-1", Type.ACTION_STARTED, "wave", 1_000);
    assertTrue(limiter.allows(e));
    assertTrue(limiter.allows(e), "abandoned deliveries (not sent) leave no trace");
    limiter.sent(e);
    assertFalse(limiter.allows(e));
  }

  @Test
  void shouldLetEverythingThroughWhenOff() {
    RateLimiter limiter = new RateLimiter(0, 100);
    for (int i = 0; i < 10; i++) {
      assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 1_000)));
    }
    assertEquals(0, limiter.size());
  }

  @Test
  void shouldLetAnOlderEventThroughAndKeepTheNewestTime() {
    RateLimiter limiter = new RateLimiter(10_000, 100);
    assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 50_000)));
    assertTrue(send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 20_000)), "out of order");
    assertFalse(
        send(limiter, event("cam-1", Type.ACTION_STARTED, "wave", 55_000)),
        "still limited from the newest");
  }

  @Test
  void shouldForgetTheLeastRecentlySeenKeysBeyondTheBound() {
    RateLimiter limiter = new RateLimiter(10_000, 3);
    for (int c = 0; c < 5; c++) {
      send(limiter, event("cam-" + c, Type.ACTION_STARTED, "wave", 1_000));
    }
    assertEquals(3, limiter.size());
    assertTrue(
        send(limiter, event("cam-0", Type.ACTION_STARTED, "wave", 2_000)), "cam-0 was forgotten");
    assertFalse(send(limiter, event("cam-4", Type.ACTION_STARTED, "wave", 2_000)));
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0));
  }
}
