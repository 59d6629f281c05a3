// The part of autocannon's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  export interface Histogram {
    average: number;
    p50: number;
    p97_5: number;
    p99: number;
    [percentile: string]: number;
  }
  export interface Result {
    requests: Histogram & { total: number };
    latency: Histogram & { p90: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  }
  export interface Request {
    path?: string;
    setupRequest?: (req: { path: string }) => { path: string };
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    requests?: Request[];
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
