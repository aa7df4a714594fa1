// The oad live view: one card per camera with the current action, a moving timeline of the class
// scores, the anticipated actions and the recent events, fed by the server-sent events of /events.
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
    cam = { id, el, history: [], classes: [], events: [], last: null };
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

  // The timeline: one line per class score over the last historySeconds of capture time (newest at
  // the right edge), and below it a band coloured by the top action of every step.
  function draw(cam) {
    const canvas = cam.el.querySelector("canvas.timeline");
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(100, Math.round(canvas.clientWidth * ratio));
    const h = Math.max(60, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    const g = canvas.getContext("2d");
    g.clearRect(0, 0, w, h);
    const hist = cam.history;
    canvas.dataset.points = String(hist.length);
    if (!hist.length) {
      return;
    }
    const band = 10 * ratio;
    const plotH = h - band - 4 * ratio;
    const end = hist[hist.length - 1].t;
    const span = settings.historySeconds * 1000;
    const x = (t) => w - ((end - t) / span) * w;
    const y = (s) => plotH - s * (plotH - 2 * ratio);
    // seconds grid
    g.strokeStyle = "#e2e5e9";
    g.fillStyle = "#6b7785";
    g.font = 10 * ratio + "px sans-serif";
    g.lineWidth = 1;
    for (let s = 0; s <= settings.historySeconds; s += 5) {
      const gx = w - (s * 1000 / span) * w;
      g.beginPath();
      g.moveTo(gx, 0);
      g.lineTo(gx, plotH);
      g.stroke();
      g.fillText(s === 0 ? "now" : "-" + s + " s", Math.max(2, gx - 28 * ratio), 11 * ratio);
    }
    // one line per class
    g.lineWidth = 1.5 * ratio;
    for (const c of cam.classes) {
      g.strokeStyle = colorOf(cam, c);
      g.beginPath();
      hist.forEach((p, i) => {
        const px = x(p.t);
        const py = y(p.scores[c] || 0);
        if (i === 0) {
          g.moveTo(px, py);
        } else {
          g.lineTo(px, py);
        }
      });
      g.stroke();
    }
    // top action band
    const stepW = Math.max(1, (settings.stepSeconds * 1000 / span) * w);
    for (const p of hist) {
      g.fillStyle = colorOf(cam, p.action);
      g.fillRect(x(p.t) - stepW, h - band, stepW + 0.5, band);
    }
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
