package io.oad.topology.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * One camera's {@link ActionEpisode}s by action name: the value of the {@code camera-episodes}
 * store. Only actions with something to remember are kept, so the value stays small.
 */
final class CameraEpisodes {
  private static final byte VERSION = 1;

  final Map<String, ActionEpisode> byAction = new LinkedHashMap<>();

  /** The action's state, created when absent. */
  ActionEpisode of(String action) {
    return byAction.computeIfAbsent(action, a -> new ActionEpisode());
  }

  /** Drops the actions that have nothing to remember at capture time {@code t}. */
  void prune(long t, long cooldownMs) {
    byAction.values().removeIf(e -> e.idle(t, cooldownMs));
  }

  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeInt(byAction.size());
      for (Map.Entry<String, ActionEpisode> e : byAction.entrySet()) {
        ActionEpisode a = e.getValue();
        out.writeUTF(e.getKey());
        out.writeBoolean(a.active);
        out.writeInt(a.run);
        out.writeLong(a.runStartMs);
        out.writeDouble(a.peak);
        out.writeLong(a.startMs);
        out.writeLong(a.lastEndMs);
        out.writeLong(a.anticipatedUntilMs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@link #encode()}'s output.
   *
   * @throws SerializationException if malformed
   */
  static CameraEpisodes decode(byte[] data) {
    CameraEpisodes c = new CameraEpisodes();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new SerializationException("unknown episode state version " + version);
      }
      int n = in.readInt();
      if (n < 0 || n > data.length) {
        throw new SerializationException("episode state claims " + n + " actions");
      }
      for (int i = 0; i < n; i++) {
        String action = in.readUTF();
        ActionEpisode a = new ActionEpisode();
        a.active = in.readBoolean();
        a.run = in.readInt();
        a.runStartMs = in.readLong();
        a.peak = in.readDouble();
        a.startMs = in.readLong();
        a.lastEndMs = in.readLong();
        a.anticipatedUntilMs = in.readLong();
        c.byAction.put(action, a);
      }
      if (in.available() != 0) {
        throw new SerializationException("episode state has trailing bytes");
      }
    } catch (IOException e) {
      throw new SerializationException("malformed episode state: " + e.getMessage(), e);
    }
    return c;
  }
}
