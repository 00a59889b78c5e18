// Which restricted-key permission each emulated operation needs, keyed `domain operationId`.
// Names follow Twilio's `/twilio/{product}/{resource}/{action}` with separate `read` (one resource)
// and `list` (the collection) actions; the Voice and Messaging names are Twilio's published ones,
// the others follow the same scheme (see README "API keys").
const CRUD: Array<[string, string, string]> = [
  // [domain, operationId resource, permission resource]
  ["api", "Message", "/twilio/messaging/messages"],
  ["api", "Media", "/twilio/messaging/messages.media"],
  ["api", "Call", "/twilio/voice/calls"],
  ["api", "Recording", "/twilio/voice/recordings"],
  ["api", "CallRecording", "/twilio/voice/calls.recordings"],
  ["api", "IncomingPhoneNumber", "/twilio/phone-numbers/incoming-phone-numbers"],
  ["api", "IncomingPhoneNumberLocal", "/twilio/phone-numbers/incoming-phone-numbers"],
  ["api", "IncomingPhoneNumberMobile", "/twilio/phone-numbers/incoming-phone-numbers"],
  ["api", "IncomingPhoneNumberTollFree", "/twilio/phone-numbers/incoming-phone-numbers"],
  ["api", "AvailablePhoneNumberLocal", "/twilio/phone-numbers/available-phone-numbers"],
  ["api", "AvailablePhoneNumberMobile", "/twilio/phone-numbers/available-phone-numbers"],
  ["api", "AvailablePhoneNumberTollFree", "/twilio/phone-numbers/available-phone-numbers"],
  ["messaging", "Service", "/twilio/messaging/services"],
  ["messaging", "PhoneNumber", "/twilio/messaging/services.phone-numbers"],
  ["monitor", "Alert", "/twilio/monitor/alerts"],
  ["verify", "Service", "/twilio/verify/services"],
  ["verify", "Verification", "/twilio/verify/services.verifications"],
  ["verify", "VerificationCheck", "/twilio/verify/services.verification-checks"],
];

const ACTIONS: Record<string, string> = { Create: "create", Fetch: "read", List: "list", Update: "update", Delete: "delete" };

function build(): Record<string, string> {
  const table: Record<string, string> = {};
  for (const [domain, resource, permission] of CRUD) {
    for (const [verb, action] of Object.entries(ACTIONS)) table[`${domain} ${verb}${resource}`] = `${permission}/${action}`;
  }
  return table;
}

/** `"api CreateMessage"` → `"/twilio/messaging/messages/create"`; operations absent here are closed to restricted keys. */
export const KEY_PERMISSIONS: Record<string, string> = build();
