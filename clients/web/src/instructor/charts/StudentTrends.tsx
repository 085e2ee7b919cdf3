// Trend per student, one row each: the student's mean per lesson in course order as a sparkline (gaps where the
// student has no grade), and the least-squares slope of their grades in points per week as a bar left (falling,
// red) or right (rising, green) of zero. Rows are sorted by slope, falling first.
export type StudentTrend = {
  id: string;
  name: string;
  mean: number | null;
  slopePerWeek: number | null;
  lessonMeans: (number | null)[];
};

const ROW = 30;
const NAME = 170;
const SPARK = 220;
const GAP = 24;
const BAR = 200;
const WIDTH = NAME + SPARK + GAP + BAR + 60;

function sparkline(values: (number | null)[]): string {
  const step = values.length > 1 ? SPARK / (values.length - 1) : 0;
  let path = "";
  let pen = false;
  values.forEach((value, index) => {
    if (value === null) {
      pen = false;
      return;
    }
    const x = NAME + index * step;
    const y = ROW - 4 - (value / 100) * (ROW - 8);
    path += `${pen ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    pen = true;
  });
  return path;
}

export function StudentTrends({ students }: { students: StudentTrend[] }) {
  const rows = [...students].sort((a, b) => (a.slopePerWeek ?? 0) - (b.slopePerWeek ?? 0));
  const reach = Math.max(5, ...rows.map((row) => Math.abs(row.slopePerWeek ?? 0)));
  const zero = NAME + SPARK + GAP + BAR / 2;
  const height = ROW * (rows.length + 1);
  return (
    <svg class="chart trends" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label="Trend per student" data-testid="trends">
      <text class="axis" x={NAME} y={14}>
        mean per lesson (0–100%)
      </text>
      <text class="axis" x={zero} y={14} text-anchor="middle">
        points per week
      </text>
      <line class="zero" x1={zero} x2={zero} y1={ROW - 6} y2={height} />
      {rows.map((row, index) => {
        const slope = row.slopePerWeek;
        const length = slope === null ? 0 : (Math.abs(slope) / reach) * (BAR / 2);
        return (
          <g key={row.id} transform={`translate(0 ${ROW * (index + 1)})`} data-testid="trend-row">
            <text x={0} y={ROW / 2 + 4} class="label">
              {row.name.length > 22 ? `${row.name.slice(0, 21)}…` : row.name}
            </text>
            <rect class="spark-band" x={NAME} y={4} width={SPARK} height={ROW - 8} />
            {row.lessonMeans.map((value, at) =>
              value === null ? null : (
                <circle
                  key={at}
                  class="spark-dot"
                  cx={NAME + (row.lessonMeans.length > 1 ? (at * SPARK) / (row.lessonMeans.length - 1) : SPARK / 2)}
                  cy={ROW - 4 - (value / 100) * (ROW - 8)}
                  r={2.5}
                />
              ),
            )}
            <path class="spark" d={sparkline(row.lessonMeans)} />
            {slope !== null && (
              <rect
                class={`slope ${slope < 0 ? "falling" : "rising"}`}
                x={slope < 0 ? zero - length : zero}
                y={8}
                width={Math.max(1, length)}
                height={ROW - 16}
              >
                <title>
                  {row.name}: {slope >= 0 ? "+" : ""}
                  {slope.toFixed(1)} points per week
                </title>
              </rect>
            )}
            <text class="value" x={zero + BAR / 2 + 8} y={ROW / 2 + 4}>
              {slope === null ? "–" : `${slope >= 0 ? "+" : ""}${slope.toFixed(1)}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
