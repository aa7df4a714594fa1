// The oad live view: one card per camera with the current action, a moving timeline of the class
// scores (drawn with uPlot, served by the same server), the anticipated actions and the recent
// events, fed by the server-sent events of /events.
// Everything shown is also in data-* attributes (data-camera, data-action, data-score, data-step)
// so that tests and scripts can read what a person sees.
"use strict";

(function () {
  const PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#bcbd22", "#17becf", "#393b79", "#637939", "#843c39",
  ];
  const BACKGROUND_COLOR = "#9aa3ad";
  const MAX_EVENTS = 20;

  const settings = { stepSeconds: 0.25, historySeconds: 30 };
  const cameras = new Map(); // camera id -> state
  const container = document.getElementById("cameras");
  const template = document.getElementById("camera-template");
  const status = document.getElementById("status");
  const info = document.getElementById("info");
  let drawPending = false;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function colorOf(cam, action) {
    if (action === "background") {
      return BACKGROUND_COLOR;
    }
    const i = cam.classes.indexOf(action);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  function fmtTime(ms) {
    const d = new Date(ms);
    return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
  }

  function camera(id) {
    let cam = cameras.get(id);
    if (cam) {
      return cam;
    }
    const el = template.content.firstElementChild.cloneNode(true);
    el.dataset.camera = id;
    el.querySelector(".camera-id").textContent = id;
    cam = { id, el, history: [], classes: [], events: [], last: null, plot: null };
    cameras.set(id, cam);
    // keep the cards in camera order
    const after = [...container.querySelectorAll("section.camera")].find((s) => s.dataset.camera > id);
    container.insertBefore(el, after || null);
    container.dataset.count = String(cameras.size);
    document.getElementById("empty").hidden = true;
    return cam;
  }

  function forget(id) {
    const cam = cameras.get(id);
    if (cam) {
      if (cam.plot) {
        cam.plot.destroy();
      }
      cam.el.remove();
      cameras.delete(id);
      container.dataset.count = String(cameras.size);
    }
  }

  function reset() {
    [...cameras.keys()].forEach(forget);
    document.getElementById("empty").hidden = false;
  }

  function onPrediction(p) {
    const cam = camera(p.camera);
    const names = Object.keys(p.scores || {});
    if (names.join() !== cam.classes.join()) {
      cam.classes = names;
      legend(cam);
    }
    const historyMs = settings.historySeconds * 1000;
    const last = cam.history.length ? cam.history[cam.history.length - 1].t : -Infinity;
    if (p.captureTimeMs < last - historyMs) {
      cam.history = []; // the camera restarted on an older clock
    }
    cam.history.push({ t: p.captureTimeMs, scores: p.scores || {}, action: p.action });
    const newest = Math.max(p.captureTimeMs, last);
    while (cam.history.length && cam.history[0].t < newest - historyMs) {
      cam.history.shift();
    }
    cam.last = p;
    show(cam, p);
    scheduleDraw();
  }

  function show(cam, p) {
    const el = cam.el;
    el.dataset.action = p.action;
    el.dataset.score = p.score.toFixed(3);
    el.dataset.step = String(p.step);
    el.dataset.sequence = String(p.sequence);
    el.dataset.warm = String(p.warm);
    const action = el.querySelector("[data-field=action]");
    action.textContent = p.action;
    action.style.color = colorOf(cam, p.action);
    el.querySelector("[data-field=score]").textContent = p.score.toFixed(2);
    el.querySelector("[data-field=step]").textContent = "step " + p.step + " at " + fmtTime(p.captureTimeMs);
    el.querySelector(".warm").textContent = p.warm ? "" : "warming up";
    el.querySelector(".latency").textContent = p.latencyMs + " ms capture to prediction";
    const list = el.querySelector("[data-field=anticipated]");
    const items = [];
    let top = null;
    for (const f of p.future || []) {
      const li = document.createElement("li");
      const lead = f.offset * settings.stepSeconds;
      li.dataset.offset = String(f.offset);
      li.dataset.action = f.action;
      li.dataset.lead = lead.toFixed(2);
      li.textContent = "+" + lead.toFixed(2) + " s  " + f.action + "  " + f.score.toFixed(2);
      if (f.action !== p.action) {
        li.className = "change";
        if (!top || f.score > top.score) {
          top = f;
        }
      }
      items.push(li);
    }
    list.replaceChildren(...items);
    const next = el.querySelector("[data-field=top-future]");
    if (top) {
      next.textContent = top.action + " in " + (top.offset * settings.stepSeconds).toFixed(2) + " s (" + top.score.toFixed(2) + ")";
      next.dataset.action = top.action;
    } else {
      next.textContent = p.future && p.future.length ? "no change expected" : "";
      next.dataset.action = "";
    }
  }

  function legend(cam) {
    const box = cam.el.querySelector(".legend");
    box.replaceChildren(
      ...cam.classes.map((c) => {
        const s = document.createElement("span");
        s.textContent = c;
        s.style.setProperty("--c", colorOf(cam, c));
        return s;
      })
    );
    chart(cam);
  }

  const CHART_HEIGHT = 160;
  const BAND_BOTTOM = -0.1; // the y range below 0 holds the band of each step's top action

  function chartWidth(cam) {
    return Math.max(200, cam.el.querySelector(".chart").clientWidth);
  }

  // One uPlot chart per camera and class list: x is seconds before the newest capture time (0 at
  // the right edge), one line per class score, and below it a band coloured by the top action of
  // every step. A new class list makes a new chart.
  function chart(cam) {
    if (cam.plot) {
      cam.plot.destroy();
    }
    const box = cam.el.querySelector(".chart");
    const opts = {
      width: chartWidth(cam),
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, auto: false, range: () => [-settings.historySeconds, 0] },
        y: { auto: false, range: [BAND_BOTTOM, 1] },
      },
      axes: [
        { values: (u, ticks) => ticks.map((v) => (v === 0 ? "now" : v + " s")), size: 30 },
        { splits: () => [0, 0.25, 0.5, 0.75, 1], values: (u, ticks) => ticks.map((v) => v.toFixed(2)), size: 40 },
      ],
      series: [{}].concat(cam.classes.map((c) => ({ label: c, stroke: colorOf(cam, c), width: 1.5 }))),
      hooks: { draw: [(u) => drawBand(cam, u)] },
    };
    cam.plot = new uPlot(opts, chartData(cam), box);
    // the chart's canvas carries what tests read: its class and how many steps it shows
    cam.plot.ctx.canvas.classList.add("timeline");
    cam.plot.ctx.canvas.dataset.points = String(cam.history.length);
  }

  // the history in capture order (uPlot wants x ascending), relative to the newest step
  function sortedHistory(cam) {
    return cam.history.slice().sort((a, b) => a.t - b.t);
  }

  function chartData(cam) {
    const hist = sortedHistory(cam);
    const end = hist.length ? hist[hist.length - 1].t : 0;
    const data = [hist.map((p) => (p.t - end) / 1000)];
    for (const c of cam.classes) {
      data.push(hist.map((p) => p.scores[c] || 0));
    }
    return data;
  }

  function drawBand(cam, u) {
    const hist = sortedHistory(cam);
    if (!hist.length) {
      return;
    }
    const g = u.ctx;
    const top = u.valToPos(BAND_BOTTOM / 4, "y", true);
    const height = u.valToPos(BAND_BOTTOM, "y", true) - top;
    const stepW = Math.max(1, u.bbox.width * settings.stepSeconds / settings.historySeconds);
    const end = hist[hist.length - 1].t;
    g.save();
    for (const p of hist) {
      const x = u.valToPos((p.t - end) / 1000, "x", true);
      g.fillStyle = colorOf(cam, p.action);
      g.fillRect(x - stepW, top, stepW + 0.5, height);
    }
    g.restore();
  }

  function onEvent(e) {
    const cam = camera(e.camera);
    const li = document.createElement("li");
    li.dataset.type = e.type;
    li.dataset.action = e.action || "";
    const what = e.action || "camera";
    let text;
    switch (e.type) {
      case "ACTION_STARTED":
        text = fmtTime(e.startTimeMs) + "  " + what + " started (" + e.peakScore.toFixed(2) + ")";
        break;
      case "ACTION_ENDED":
        text = fmtTime(e.endTimeMs) + "  " + what + " ended after " + ((e.endTimeMs - e.startTimeMs) / 1000).toFixed(1) + " s (peak " + e.peakScore.toFixed(2) + ")";
        break;
      case "ACTION_ANTICIPATED":
        text = fmtTime(e.startTimeMs) + "  " + what + " expected in " + ((e.endTimeMs - e.startTimeMs) / 1000).toFixed(2) + " s (" + e.peakScore.toFixed(2) + ")";
        break;
      case "CAMERA_OFFLINE":
        text = fmtTime(e.startTimeMs) + "  camera offline";
        break;
      case "CAMERA_ONLINE":
        text = fmtTime(e.endTimeMs) + "  camera back online";
        break;
      default:
        text = e.type + " " + what;
    }
    li.textContent = text;
    const list = cam.el.querySelector("[data-field=events]");
    list.insertBefore(li, list.firstChild);
    while (list.children.length > MAX_EVENTS) {
      list.lastChild.remove();
    }
  }

  function scheduleDraw() {
    if (!drawPending) {
      drawPending = true;
      requestAnimationFrame(() => {
        drawPending = false;
        cameras.forEach(draw);
      });
    }
  }

  function draw(cam) {
    if (!cam.plot) {
      chart(cam);
    }
    const width = chartWidth(cam);
    if (cam.plot.width !== width) {
      cam.plot.setSize({ width, height: CHART_HEIGHT });
    }
    cam.plot.setData(chartData(cam));
    cam.plot.ctx.canvas.dataset.points = String(cam.history.length);
  }

  function parse(handler) {
    return (msg) => {
      try {
        handler(JSON.parse(msg.data));
      } catch (err) {
        console.error("bad live message", err, msg.data);
      }
    };
  }

  // the page's own query (?token=...) goes with the stream, for a page that requires its token
  const source = new EventSource("events" + location.search);
  source.onopen = () => setStatus("open", "live");
  source.onerror = () => {
    setStatus(source.readyState === EventSource.CLOSED ? "closed" : "connecting",
      source.readyState === EventSource.CLOSED ? "disconnected" : "reconnecting");
  };
  source.addEventListener("hello", parse((h) => {
    // every connection starts with the settings followed by a full snapshot
    settings.stepSeconds = h.stepSeconds;
    settings.historySeconds = h.historySeconds;
    reset();
    info.textContent = "step " + h.stepSeconds + " s, last " + h.historySeconds + " s of capture time, up to " + h.maxCameras + " cameras";
    setStatus("open", "live");
  }));
  source.addEventListener("prediction", parse(onPrediction));
  source.addEventListener("event", parse(onEvent));
  source.addEventListener("forget", parse((f) => forget(f.camera)));
  window.addEventListener("resize", scheduleDraw);
})();
