import { transitionStatus } from '../db/direct-sql.js';
import { TaskSchema, type Task } from '../db/entities/task.entity.js';
import type { SqlExecutor } from '../db/sql-executor.js';
import { ConflictError } from '../errors.js';
import { transitionTask, type TaskStatus } from './task-state.js';

/**
 * The only place that writes `status` on tasks: moves a task from `from` to `to` (checked
 * against the task transition table) with extra columns, in the caller's transaction. A
 * compare-and-set on `from`: zero affected rows is a {@link ConflictError}, never overwritten.
 */
export async function transitionTaskRow(sql: SqlExecutor, taskId: string, from: TaskStatus, to: TaskStatus, changes: Partial<Task> = {}): Promise<void> {
  const affected = await transitionStatus(sql, TaskSchema, transitionTask, { id: taskId }, from, to, changes);
  if (affected === 0) throw new ConflictError(`Task ${taskId} is no longer ${from}.`);
}
