// The grade distribution as an SVG bar chart: one bar per bucket (the API's ten buckets of width 10), its count on
// top, the bucket's range below, light grid lines for the counts. Each bar carries a <title> for a pointer's hover.
export type Bucket = { lower: number; upper: number; count: number };

const WIDTH = 640;
const HEIGHT = 240;
const LEFT = 36;
const BOTTOM = 28;
const TOP = 18;

function ticks(max: number): number[] {
  const step = Math.max(1, Math.ceil(max / 4));
  const values = [];
  for (let value = 0; value <= max; value += step) values.push(value);
  return values;
}

export function Histogram({ buckets, label }: { buckets: Bucket[]; label: string }) {
  const max = Math.max(1, ...buckets.map((bucket) => bucket.count));
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT) / Math.max(1, buckets.length);
  const y = (count: number) => TOP + plotHeight - (count / max) * plotHeight;
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0);
  return (
    <svg
      class="chart histogram"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${label}: ${buckets.map((b) => `${b.lower}-${b.upper}%: ${b.count}`).join(", ")}`}
      data-testid="histogram"
      data-total={total}
    >
      {ticks(max).map((value) => (
        <g key={value}>
          <line class="grid" x1={LEFT} x2={WIDTH} y1={y(value)} y2={y(value)} />
          <text class="axis" x={LEFT - 6} y={y(value) + 4} text-anchor="end">
            {value}
          </text>
        </g>
      ))}
      {buckets.map((bucket, index) => {
        const x = LEFT + index * slot + 3;
        const top = y(bucket.count);
        const low = bucket.upper <= 50;
        return (
          <g key={bucket.lower} data-testid="histogram-bar" data-count={bucket.count}>
            <rect class={`bar ${low ? "low" : ""}`} x={x} y={top} width={slot - 6} height={TOP + plotHeight - top}>
              <title>
                {bucket.lower}–{bucket.upper}%: {bucket.count} student{bucket.count === 1 ? "" : "s"}
              </title>
            </rect>
            {bucket.count > 0 && (
              <text class="value" x={x + (slot - 6) / 2} y={top - 4} text-anchor="middle">
                {bucket.count}
              </text>
            )}
            <text class="axis" x={x + (slot - 6) / 2} y={HEIGHT - 10} text-anchor="middle">
              {bucket.lower}–{bucket.upper}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
