export { demoDepartments, generateDemo, type DemoDepartment, type DemoOptions, type DemoStats } from './demo.generator.js';
export { Random } from './random.js';
