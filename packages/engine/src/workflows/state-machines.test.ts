import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canTransitionRun, RunStatus, transitionRun } from './run-state.js';
import { canTransitionStep, StepStatus, transitionStep } from './step-state.js';
import { canTransitionWorkflow, WorkflowStatus } from './workflow-state.js';
import { IllegalTransitionError } from '../errors.js';
import { canTransitionTask, TaskStatus, transitionTask } from '../tasks/task-state.js';
import { canTransitionFiring, FiringStatus, transitionFiring } from '../schedules/firing-state.js';

describe('state machines', () => {
  it('every (from, to) run pair is either allowed or throws IllegalTransitionError', () => {
    for (const from of Object.values(RunStatus))
      for (const to of Object.values(RunStatus)) {
        if (canTransitionRun(from, to)) expect(transitionRun(from, to)).toBe(to);
        else expect(() => transitionRun(from, to)).toThrow(IllegalTransitionError);
      }
    expect(canTransitionRun('COMPLETED', 'RUNNING')).toBe(false);
    expect(canTransitionRun('FAILED', 'RUNNING')).toBe(true);
  });

  it('every (from, to) step pair is either allowed or throws', () => {
    for (const from of Object.values(StepStatus))
      for (const to of Object.values(StepStatus)) {
        if (canTransitionStep(from, to)) expect(transitionStep(from, to)).toBe(to);
        else expect(() => transitionStep(from, to)).toThrow(IllegalTransitionError);
      }
    expect(canTransitionStep('COMPLETED', 'RUNNING')).toBe(false);
    expect(canTransitionStep('PENDING', 'RUNNING')).toBe(true);
  });

  it('a task or a firing is born RUNNING and records one end', () => {
    for (const from of Object.values(TaskStatus))
      for (const to of Object.values(TaskStatus)) {
        expect(canTransitionTask(from, to)).toBe(from === 'RUNNING' && to !== 'RUNNING');
        if (!canTransitionTask(from, to)) expect(() => transitionTask(from, to)).toThrow(IllegalTransitionError);
      }
    for (const from of Object.values(FiringStatus))
      for (const to of Object.values(FiringStatus)) {
        expect(canTransitionFiring(from, to)).toBe(from === 'RUNNING' && to !== 'RUNNING');
        if (!canTransitionFiring(from, to)) expect(() => transitionFiring(from, to)).toThrow(IllegalTransitionError);
      }
  });

  it('workflow transitions forbid leaving DRAFT except to ACTIVE', () => {
    for (const to of Object.values(WorkflowStatus)) expect(canTransitionWorkflow('DRAFT', to)).toBe(to === 'ACTIVE');
  });

  it('workflows/README.md documents every RunStatus and StepStatus value', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    for (const value of [...Object.values(RunStatus), ...Object.values(StepStatus)]) expect(readme).toContain(`\`${value}\``);
  });
});
