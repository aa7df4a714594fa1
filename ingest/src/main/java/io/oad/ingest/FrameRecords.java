package io.oad.ingest;

import io.oad.contract.FrameHeaders;
import io.oad.contract.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds {@code oad.frames} records exactly as the wire contract describes them. */
final class FrameRecords {
  private FrameRecords() {}

  /** Key = camera, timestamp = capture time, headers = sequence, size and content type. */
  static ProducerRecord<String, byte[]> frame(
      String cameraId, long sequence, long captureTimeMs, EncodedFrame frame) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(Topics.FRAMES, null, captureTimeMs, cameraId, frame.jpeg());
    FrameHeaders.putLong(record.headers(), FrameHeaders.SEQUENCE, sequence);
    FrameHeaders.putLong(record.headers(), FrameHeaders.WIDTH, frame.width());
    FrameHeaders.putLong(record.headers(), FrameHeaders.HEIGHT, frame.height());
    FrameHeaders.putString(record.headers(), FrameHeaders.CONTENT_TYPE, FrameHeaders.JPEG);
    return record;
  }
}
