/** src/model: analytic queueing for `lockbench plan`: Little, M/M/1, M/G/1, Erlang C, contention odds, find-max-rate. */
export { distributionMoments, squaredCoefficientOfVariation, sumMoments, type Moments } from './moments.js';
export { erlangB, erlangC } from './erlang.js';
export { exponentialWaitQuantile, keyQueue, mg1Wait, mm1Wait, mmcWait, type KeyQueue } from './queues.js';
export { birthdayCollision, contentionProbability, pairwiseCollision } from './contention.js';
export { keyShares, type KeyClass, type KeyShares } from './key-shares.js';
export { serviceModel, type ServiceModel } from './service.js';
export { peakRate, plannedRates, type PlannedRate, type PlannedRates } from './arrival-rate.js';
export { evaluateAt, type ContentionFigures, type Evaluation, type KeyFigures } from './evaluate.js';
export { atLoadLevel, loadLevel } from './load-scaling.js';
export { searchMaxLevel, type LevelProbe, type LevelSearch, type LevelSearchOptions } from './max-rate-search.js';
export { analyticMaxRate, type AnalyticMaxRate } from './analytic-max-rate.js';
export {
  buildPlan,
  closedCycleMs,
  planModel,
  PLAN_SCHEMA_VERSION,
  type Plan,
  type PlanInputs,
  type PlanMaxRate,
  type PlanModel,
  type PlannedEvaluation,
  type PlannedKey,
  type PlanOptions,
} from './plan.js';
export { formatPlanConsole } from './plan-console.js';
