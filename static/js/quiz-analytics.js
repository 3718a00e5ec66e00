// The answer charts on the quiz analytics, competency and opinion pages. Each is a Bokeh
// json_item made on the server (app/quizzes/analytics.py), drawn by lib/charts.js.
// Without JavaScript, or if BokehJS fails, the table under each chart has the same numbers.
import { drawCharts, whenReady } from "./lib/charts.js";

whenReady(() => drawCharts(document));
