import { benchConfig } from './config.js';
import { clusterTable } from './report.js';
import { runCluster } from './scenarios/cluster.js';
const result = await runCluster(benchConfig(process.argv.includes('--quick')), (l) => console.error(l));
console.log(clusterTable(result));
