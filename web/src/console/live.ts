// Live view: online connections and users, and messages and receipts per second, as small charts
// of the last minute. The server reports counters since it started (`tincan/get_stats`); the
// rates are the differences between successive samples.

import { h, hidden, replace } from "../shared/dom";
import { rest, RestError, UNKNOWN_COMMAND } from "./api";
import { appArg, type ConsoleContext } from "./context";

const SAMPLE_MS = 1000;
const SAMPLES_KEPT = 60;

interface Stats {
  Connections: number;
  OnlineUsers: number;
  MessagesTotal: number;
  ReceiptsTotal: number;
  TimeMs: number;
}

interface Series {
  title: string;
  unit: string;
  values: number[];
  figure: HTMLElement;
}

export function livePage(context: ConsoleContext, main: HTMLElement): () => void {
  const statusLine = h("p", { class: "status", role: "status" });
  const series: Series[] = [
    { title: "Connections", unit: "", values: [], figure: h("figure", { class: "chart" }) },
    { title: "Online users", unit: "", values: [], figure: h("figure", { class: "chart" }) },
    { title: "Messages", unit: "per second", values: [], figure: h("figure", { class: "chart" }) },
    { title: "Receipts", unit: "per second", values: [], figure: h("figure", { class: "chart" }) },
  ];
  replace(
    main,
    h("h2", {}, "Live view"),
    h("p", { class: "hint" }, "Sampled every second; the charts show the last minute."),
    h("div", { class: "charts" }, series.map((one) => one.figure)),
    statusLine,
  );
  for (const one of series) draw(one);

  let previous: Stats | null = null;
  let stopped = false;
  let timer: number | undefined;

  async function sample(): Promise<void> {
    try {
      const stats = await rest<Stats>("tincan", "get_stats", {}, appArg(context));
      if (stopped) return;
      if (previous && stats.TimeMs > previous.TimeMs) {
        const seconds = (stats.TimeMs - previous.TimeMs) / 1000;
        push(series[2], Math.max(0, stats.MessagesTotal - previous.MessagesTotal) / seconds);
        push(series[3], Math.max(0, stats.ReceiptsTotal - previous.ReceiptsTotal) / seconds);
      }
      push(series[0], stats.Connections);
      push(series[1], stats.OnlineUsers);
      previous = stats;
      statusLine.textContent = "";
    } catch (error) {
      if (stopped) return;
      statusLine.dataset.kind = "error";
      statusLine.textContent =
        error instanceof RestError && error.code === UNKNOWN_COMMAND
          ? "This server does not report live statistics yet (tincan/get_stats)."
          : `Could not sample: ${String(error)}`;
    }
    if (!stopped) timer = window.setTimeout(() => void sample(), SAMPLE_MS);
  }
  void sample();

  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

function push(one: Series, value: number): void {
  one.values.push(value);
  if (one.values.length > SAMPLES_KEPT) one.values.shift();
  draw(one);
}

function format(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 1 });
}

const WIDTH = 240;
const HEIGHT = 56;
const SVG = "http://www.w3.org/2000/svg";

function draw(one: Series): void {
  const values = one.values;
  const now = values.length ? values[values.length - 1] : null;
  const peak = values.length ? Math.max(...values) : 0;
  const scale = peak > 0 ? peak : 1;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const baseline = document.createElementNS(SVG, "line");
  baseline.setAttribute("x1", "0");
  baseline.setAttribute("x2", String(WIDTH));
  baseline.setAttribute("y1", String(HEIGHT - 1));
  baseline.setAttribute("y2", String(HEIGHT - 1));
  baseline.setAttribute("class", "baseline");
  svg.appendChild(baseline);
  if (values.length > 1) {
    const step = WIDTH / (SAMPLES_KEPT - 1);
    const offset = (SAMPLES_KEPT - values.length) * step;
    const points = values.map((value, index) => `${(offset + index * step).toFixed(1)},${(HEIGHT - 2 - (value / scale) * (HEIGHT - 6)).toFixed(1)}`);
    const area = document.createElementNS(SVG, "polygon");
    area.setAttribute("points", `${offset.toFixed(1)},${HEIGHT} ${points.join(" ")} ${WIDTH},${HEIGHT}`);
    area.setAttribute("class", "area");
    svg.appendChild(area);
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("class", "line");
    svg.appendChild(line);
  }
  const summary = now === null ? "no sample yet" : `now ${format(now)}, peak ${format(peak)} in the last minute`;
  replace(
    one.figure,
    h("figcaption", {}, h("span", { class: "chart-title" }, one.title), one.unit ? h("span", { class: "hint" }, ` ${one.unit}`) : null),
    h(
      "p",
      { class: "chart-now" },
      h("span", { "aria-hidden": "true" }, now === null ? "—" : format(now)),
      hidden(`${one.title}${one.unit ? ` ${one.unit}` : ""}: ${summary}`),
    ),
    svg,
  );
}
