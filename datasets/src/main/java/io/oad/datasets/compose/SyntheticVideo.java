package io.oad.datasets.compose;

import io.oad.ingest.FfmpegLogging;
import io.oad.ingest.IngestException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Renders a small test video of a stick figure that changes what it does over time (stands still,
 * walks left and right, jumps, waves), so the pipeline can be demonstrated without any dataset.
 * 160x120, 25 fps, MPEG-4 in an {@code .avi} or {@code .mp4} container.
 *
 * <p>{@link #script(long, int)} tells which motion plays when, for the same seed as {@link
 * #render(Path, long, int)}, so a demo can show the ground truth next to the predictions.
 */
public final class SyntheticVideo {
  /** Frame width in pixels. */
  public static final int WIDTH = 160;

  /** Frame height in pixels. */
  public static final int HEIGHT = 120;

  /** Frames per second. */
  public static final int FPS = 25;

  private static final double MIN_SEGMENT_SECONDS = 2.0;
  private static final double MAX_SEGMENT_SECONDS = 5.0;
  private static final int FLOOR_Y = 100;

  /** What the figure does during a segment. */
  public enum Motion {
    /** Standing still. */
    STILL,
    /** Walking left and right across the frame. */
    WALK,
    /** Jumping in place. */
    BOUNCE,
    /** Standing and waving one arm. */
    WAVE
  }

  /**
   * One stretch of the video with a single motion.
   *
   * @param motion what the figure does
   * @param startSeconds start, inclusive
   * @param endSeconds end, exclusive
   */
  public record Segment(Motion motion, double startSeconds, double endSeconds) {
    /** Validates the interval. */
    public Segment {
      if (motion == null || startSeconds < 0 || endSeconds <= startSeconds) {
        throw new IllegalArgumentException(
            "bad segment " + motion + " [" + startSeconds + ", " + endSeconds + ")");
      }
    }

    /** Whether the time falls inside this segment. */
    public boolean contains(double seconds) {
      return seconds >= startSeconds && seconds < endSeconds;
    }
  }

  private SyntheticVideo() {}

  /**
   * Which motion plays when: segments of 2–5 s that cover {@code [0, seconds)}; the first four
   * segments show each motion once in a seed-dependent order.
   */
  public static List<Segment> script(long seed, int seconds) {
    checkSeconds(seconds);
    Random random = new Random(seed);
    List<Motion> firstRound = new ArrayList<>(List.of(Motion.values()));
    Collections.shuffle(firstRound, random);
    List<Segment> segments = new ArrayList<>();
    double t = 0;
    while (t < seconds) {
      Motion motion =
          segments.size() < firstRound.size()
              ? firstRound.get(segments.size())
              : Motion.values()[random.nextInt(Motion.values().length)];
      double length =
          MIN_SEGMENT_SECONDS + random.nextDouble() * (MAX_SEGMENT_SECONDS - MIN_SEGMENT_SECONDS);
      double end = Math.min(seconds, t + length);
      segments.add(new Segment(motion, t, end));
      t = end;
    }
    return List.copyOf(segments);
  }

  /**
   * Renders {@code seconds} of video to {@code out} (parent folders are created).
   *
   * @param out the file to write, ending in {@code .avi} or {@code .mp4}
   * @param seed chooses the order and length of the motions
   * @param seconds video length, 1..3600
   * @return {@code out}
   * @throws IngestException if the file cannot be written
   */
  public static Path render(Path out, long seed, int seconds) {
    String format = format(out);
    FfmpegLogging.quiet();
    List<Segment> script = script(seed, seconds);
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new IngestException("cannot create folder for synthetic video '" + out + "': " + e, e);
    }
    Scene scene = new Scene(new Random(seed ^ 0x5DEECE66DL));
    try (FFmpegFrameRecorder recorder =
            new FFmpegFrameRecorder(out.toAbsolutePath().toString(), WIDTH, HEIGHT, 0);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      recorder.setFormat(format);
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(FPS);
      recorder.setGopSize(FPS);
      recorder.setVideoBitrate(600_000);
      recorder.start();
      BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
      int segment = 0;
      for (int i = 0; i < seconds * FPS; i++) {
        double t = (double) i / FPS;
        while (!script.get(segment).contains(t)) {
          segment++;
        }
        Segment s = script.get(segment);
        scene.draw(image, s.motion(), t - s.startSeconds());
        recorder.record(converter.convert(image));
      }
      recorder.stop();
    } catch (FrameRecorder.Exception | RuntimeException e) {
      throw new IngestException("cannot write synthetic video '" + out + "': " + e.getMessage(), e);
    }
    return out;
  }

  private static String format(Path out) {
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".avi")) {
      return "avi";
    }
    if (name.endsWith(".mp4")) {
      return "mp4";
    }
    throw new IllegalArgumentException("synthetic video must end in .avi or .mp4, got " + out);
  }

  private static void checkSeconds(int seconds) {
    if (seconds < 1 || seconds > 3600) {
      throw new IllegalArgumentException("seconds must be in 1..3600, got " + seconds);
    }
  }

  /** The background and the figure's state (its x position carries over between segments). */
  private static final class Scene {
    private static final double WALK_SPEED = 40; // pixels per second
    private final Color background;
    private final Color floor;
    private final Color figure;
    private final int[][] stones;
    private double x = WIDTH / 2.0;
    private double direction = 1;

    Scene(Random random) {
      background = new Color(180 + random.nextInt(50), 190 + random.nextInt(40), 200);
      floor = new Color(90 + random.nextInt(40), 110, 80 + random.nextInt(40));
      figure = new Color(random.nextInt(60), random.nextInt(60), 60 + random.nextInt(80));
      stones = new int[12][];
      for (int i = 0; i < stones.length; i++) {
        stones[i] = new int[] {random.nextInt(WIDTH), FLOOR_Y + 2 + random.nextInt(14)};
      }
    }

    void draw(BufferedImage image, Motion motion, double u) {
      Graphics2D g = image.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(background);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(floor);
        g.fillRect(0, FLOOR_Y, WIDTH, HEIGHT - FLOOR_Y);
        g.setColor(floor.darker());
        for (int[] s : stones) {
          g.fillOval(s[0], s[1], 4, 2);
        }
        drawFigure(g, motion, u);
      } finally {
        g.dispose();
      }
    }

    private void drawFigure(Graphics2D g, Motion motion, double u) {
      double lift = 0; // how far the feet are above the floor
      double legSwing = 0; // radians
      double armLeft = Math.toRadians(200); // arm angles measured from +x, y down
      double armRight = Math.toRadians(-20);
      switch (motion) {
        case WALK -> {
          x += direction * WALK_SPEED / FPS;
          if (x > WIDTH - 20 || x < 20) {
            direction = -direction;
            x = Math.max(20, Math.min(WIDTH - 20, x));
          }
          legSwing = 0.5 * Math.sin(2 * Math.PI * 2 * u);
          armLeft = Math.toRadians(110) + 0.4 * Math.sin(2 * Math.PI * 2 * u);
          armRight = Math.toRadians(70) - 0.4 * Math.sin(2 * Math.PI * 2 * u);
        }
        case BOUNCE -> {
          lift = 22 * Math.abs(Math.sin(Math.PI * 2 * u));
          armLeft = Math.toRadians(225);
          armRight = Math.toRadians(-45);
        }
        case WAVE -> {
          armRight = Math.toRadians(-60) + 0.7 * Math.sin(2 * Math.PI * 1.5 * u);
          armLeft = Math.toRadians(100);
        }
        case STILL -> {
          armLeft = Math.toRadians(100);
          armRight = Math.toRadians(80);
        }
      }
      double feet = FLOOR_Y - lift;
      double hip = feet - 24;
      double shoulder = hip - 22;
      double head = shoulder - 8;
      g.setColor(figure);
      g.setStroke(new BasicStroke(3f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      g.fillOval((int) Math.round(x - 6), (int) Math.round(head - 6), 12, 12);
      line(g, x, shoulder, x, hip);
      line(g, x, hip, x + 24 * Math.sin(legSwing), hip + 24 * Math.cos(legSwing));
      line(g, x, hip, x - 24 * Math.sin(legSwing), hip + 24 * Math.cos(legSwing));
      line(g, x, shoulder, x + 18 * Math.cos(armLeft), shoulder + 18 * Math.sin(armLeft));
      line(g, x, shoulder, x + 18 * Math.cos(armRight), shoulder + 18 * Math.sin(armRight));
    }

    private static void line(Graphics2D g, double x1, double y1, double x2, double y2) {
      g.drawLine(
          (int) Math.round(x1), (int) Math.round(y1), (int) Math.round(x2), (int) Math.round(y2));
    }
  }
}
