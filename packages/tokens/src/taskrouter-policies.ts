// The policy and URL helpers of twilio-node's `jwt.taskrouter.util`, same names and same URLs.
import type { TaskRouterPolicy } from "./taskrouter-capability.js";

const TASKROUTER = "https://taskrouter.twilio.com";
const EVENT_BRIDGE = "https://event-bridge.twilio.com/v1/wschannels";

// Absent segments are left out, so `workspacesUrl()` is the list URL.
const join = (...parts: (string | undefined)[]) => parts.filter((part) => typeof part === "string").join("/");

/** The policies a worker needs: its activities, tasks, reservations and itself (GET). */
export function defaultWorkerPolicies(version: string, workspaceSid: string, workerSid: string): TaskRouterPolicy[] {
  const workspace = join(TASKROUTER, version, "Workspaces", workspaceSid);
  const worker = join(workspace, "Workers", workerSid);
  return [`${workspace}/Activities`, `${workspace}/Tasks/**`, `${worker}/Reservations/**`, worker].map((url) => ({ url, method: "GET", allow: true }));
}

/** The event bridge policies (GET and POST on the channel's websocket URL). */
export function defaultEventBridgePolicies(accountSid: string, channelId: string): TaskRouterPolicy[] {
  const url = join(EVENT_BRIDGE, accountSid, channelId);
  return [{ url, method: "GET", allow: true }, { url, method: "POST", allow: true }];
}

/** A workspace URL, or the list of workspaces; `"**"` for all. */
export function workspacesUrl(workspaceSid?: string): string {
  return join(TASKROUTER, "v1", "Workspaces", workspaceSid);
}

/** A task queue URL of a workspace; `"**"` for all. */
export function taskQueuesUrl(workspaceSid: string, taskQueueSid?: string): string {
  return join(workspacesUrl(workspaceSid), "TaskQueues", taskQueueSid);
}

/** A task URL of a workspace; `"**"` for all. */
export function tasksUrl(workspaceSid: string, taskSid?: string): string {
  return join(workspacesUrl(workspaceSid), "Tasks", taskSid);
}

/** An activity URL of a workspace; `"**"` for all. */
export function activitiesUrl(workspaceSid: string, activitySid?: string): string {
  return join(workspacesUrl(workspaceSid), "Activities", activitySid);
}

/** A worker URL of a workspace; `"**"` for all. */
export function workersUrl(workspaceSid: string, workerSid?: string): string {
  return join(workspacesUrl(workspaceSid), "Workers", workerSid);
}

/** A reservation URL of a worker; `"**"` for all. */
export function reservationsUrl(workspaceSid: string, workerSid: string, reservationSid?: string): string {
  return join(workersUrl(workspaceSid, workerSid), "Reservations", reservationSid);
}
