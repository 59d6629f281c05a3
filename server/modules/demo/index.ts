export { generateDemo, type DemoOptions, type DemoStats } from './demo.generator.js';
export { Random } from './random.js';
