// ECharts, tree-shaken to what the dashboard draws (line charts with target lines and gap areas),
// rendered as SVG: crisp at any zoom and its text is real text. Loaded on demand (see charts.ts).
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkLineComponent, MarkAreaComponent, AriaComponent, SVGRenderer]);

export { echarts };
