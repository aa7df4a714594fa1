#!/bin/bash
# Publishes image files (JPEG or PNG) to oad.frames with kcat: one message per file, key = camera
# id, no headers, FPS files per second. kcat stamps each record with its sending time, which is
# then the frame's capture time.
# usage: publish_jpegs_kcat.sh BROKER CAMERA FPS FILE...
set -eu
broker=$1 camera=$2 fps=$3
shift 3
start=$(date +%s%N)
i=0
for file in "$@"; do
  wait_ns=$((start + i * 1000000000 / fps - $(date +%s%N)))
  if ((wait_ns > 0)); then
    sleep "$(printf '%d.%09d' $((wait_ns / 1000000000)) $((wait_ns % 1000000000)))"
  fi
  kcat -P -b "$broker" -t oad.frames -k "$camera" "$file"
  i=$((i + 1))
done
