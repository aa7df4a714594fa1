#!/bin/bash
# Publishes image files (JPEG or PNG) to oad.frames with kcat: one message per file, key = camera
# id, FPS files per second. Each file's due time goes in the optional oad.capture-ms header (kcat
# cannot set the record timestamp): the steps of the detector then follow the video, not kcat's
# start-up jitter. Without the -H option, kcat's sending time is the capture time.
# usage: publish_jpegs_kcat.sh BROKER CAMERA FPS FILE...
set -eu
broker=$1 camera=$2 fps=$3
shift 3
start_ms=$(date +%s%3N)
i=0
for file in "$@"; do
  due_ms=$((start_ms + i * 1000 / fps))
  wait_ms=$((due_ms - $(date +%s%3N)))
  if ((wait_ms > 0)); then
    sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
  fi
  kcat -P -b "$broker" -t oad.frames -k "$camera" -H "oad.capture-ms=$due_ms" "$file"
  i=$((i + 1))
done
