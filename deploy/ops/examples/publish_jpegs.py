"""Publishes image files (JPEG or PNG) to oad.frames: key = camera id, no headers, FPS per second.

usage: python3 publish_jpegs.py BROKER CAMERA FPS FILE...
"""
import sys
import time

from confluent_kafka import Producer

broker, camera, fps, files = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]
producer = Producer({"bootstrap.servers": broker})
failed = []
start = time.time()
for i, path in enumerate(files):
    capture = start + i / fps  # when the frame is due; the record timestamp is the capture time
    time.sleep(max(0.0, capture - time.time()))
    with open(path, "rb") as f:
        producer.produce("oad.frames", key=camera, value=f.read(), timestamp=int(capture * 1000),
                         on_delivery=lambda err, msg: err and failed.append(err))
    producer.poll(0)
if producer.flush(30) or failed:
    sys.exit(f"not delivered: {failed or 'timed out'}")
