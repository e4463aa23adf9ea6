// First: aws-local-stepfunctions needs Promise.withResolvers, which Node 20 lacks.
import './polyfill';

export {
  LocalStepFunctions,
  type ExecutionEvent,
  type ExecutionStatus,
  type LambdaFunction,
  type LocalStateMachine,
  type LocalStepFunctionsOptions,
} from './local-step-functions';
export { substitute, validateAsl, type AslValidation } from './asl';
