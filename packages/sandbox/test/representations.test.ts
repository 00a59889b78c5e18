// XML and CSV answers of the 2010-04-01 API, checked against Twilio's documented and real responses.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type SandboxHandle } from "../src/index.js";
import { toTwilioCsv } from "../src/http/representations/csv.js";
import { negotiateRepresentation } from "../src/http/representations/negotiate.js";
import { resourceName } from "../src/http/representations/names.js";
import { toTwilioXml } from "../src/http/representations/xml.js";
import { parseXml, valuesOf } from "./xml-tree.js";

// A real `POST /2010-04-01/Accounts/{Sid}/Messages` answer (2021), quoted in a public repository's test
// (`<?xml version='1.0' …?>`, no whitespace, URIs without `.json`, nulls as empty elements).
const REAL_MESSAGE_XML =
  "<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><Message><Sid>SMb53f77373a234fbea76e4c4c3b69535f</Sid><DateCreated>Mon, 20 Sep 2021 10:23:34 +0000</DateCreated><DateUpdated>Mon, 20 Sep 2021 10:23:34 +0000</DateUpdated><DateSent/><AccountSid>ACd4cecded1a6fa12370affbff1626bd1a</AccountSid><To>+61400000000</To><From>exposure</From><MessagingServiceSid/><Body>mock_message</Body><Status>queued</Status><NumSegments>1</NumSegments><NumMedia>0</NumMedia><Direction>outbound-api</Direction><ApiVersion>2010-04-01</ApiVersion><Price/><PriceUnit>USD</PriceUnit><ErrorCode/><ErrorMessage/><Uri>/2010-04-01/Accounts/ACd4cecded1a6fa12370affbff1626bd1a/Messages/SMb53f77373a234fbea76e4c4c3b69535f</Uri><SubresourceUris><Media>/2010-04-01/Accounts/ACd4cecded1a6fa12370affbff1626bd1a/Messages/SMb53f77373a234fbea76e4c4c3b69535f/Media</Media></SubresourceUris></Message></TwilioResponse>";
// The same message as the JSON representation (`….json`) carries it, in the JSON field order.
const SAME_MESSAGE_JSON = {
  body: "mock_message",
  num_segments: "1",
  direction: "outbound-api",
  from: "exposure",
  date_updated: "Mon, 20 Sep 2021 10:23:34 +0000",
  price: null,
  error_message: null,
  uri: "/2010-04-01/Accounts/ACd4cecded1a6fa12370affbff1626bd1a/Messages/SMb53f77373a234fbea76e4c4c3b69535f.json",
  account_sid: "ACd4cecded1a6fa12370affbff1626bd1a",
  num_media: "0",
  to: "+61400000000",
  date_created: "Mon, 20 Sep 2021 10:23:34 +0000",
  status: "queued",
  sid: "SMb53f77373a234fbea76e4c4c3b69535f",
  date_sent: null,
  messaging_service_sid: null,
  error_code: null,
  price_unit: "USD",
  api_version: "2010-04-01",
  subresource_uris: { media: "/2010-04-01/Accounts/ACd4cecded1a6fa12370affbff1626bd1a/Messages/SMb53f77373a234fbea76e4c4c3b69535f/Media.json" },
};
// A real 400 (2016), quoted in twilio/twilio-csharp#231.
const REAL_ERROR_XML =
  "<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse>\n    <RestException>\n        <Code>21610</Code>\n        <Message>The message From/To pair violates a blacklist rule.</Message>\n        <MoreInfo>https://www.twilio.com/docs/errors/21610</MoreInfo>\n        <Status>400</Status>\n    </RestException>\n</TwilioResponse>";
// The list example of Twilio's "API responses" page (attributes of the list element).
const DOCS_LIST_XML = `<TwilioResponse><Calls page="0" pagesize="50" uri="/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls" firstpageuri="/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls?Page=0&amp;PageSize=50" previouspageuri="" nextpageuri="/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls?Page=1&amp;PageSize=50&amp;AfterSid=CA228399228abecca920de212121"><Call><Sid>CA92d4405c9237c4ea04b56cbda88e128c</Sid><ParentCallSid/></Call></Calls></TwilioResponse>`;

describe("the XML serializer against Twilio's responses", () => {
  it("writes a message exactly as the real response carries it, field for field", () => {
    const ours = parseXml(toTwilioXml(SAME_MESSAGE_JSON, { kind: "resource", name: resourceName("/2010-04-01/Accounts/{AccountSid}/Messages.json") }));
    const real = parseXml(REAL_MESSAGE_XML);
    expect(ours.name).toBe("TwilioResponse");
    expect(ours.children.map((c) => c.name)).toEqual(["Message"]);
    expect(valuesOf(ours.children[0]!)).toEqual(valuesOf(real.children[0]!));
  });

  it("opens with Twilio's declaration and writes no whitespace between elements", () => {
    const xml = toTwilioXml(SAME_MESSAGE_JSON, { kind: "resource", name: "Message" });
    expect(xml.startsWith("<?xml version='1.0' encoding='UTF-8'?>\n<TwilioResponse><Message><Body>")).toBe(true);
    expect(xml).toContain("<Price/>");
    expect(xml.slice(xml.indexOf("\n") + 1)).not.toMatch(/>\s+</);
  });

  it("writes an error as the real RestException (Code, Message, MoreInfo, Status)", () => {
    const body = { code: 21610, message: "The message From/To pair violates a blacklist rule.", more_info: "https://www.twilio.com/docs/errors/21610", status: 400 };
    const ours = parseXml(toTwilioXml(body, { kind: "error" }));
    const real = parseXml(REAL_ERROR_XML);
    expect(ours.children[0]!.name).toBe("RestException");
    expect(ours.children[0]!.children.map((c) => c.name)).toEqual(real.children[0]!.children.map((c) => c.name));
    expect(valuesOf(ours.children[0]!)).toEqual(valuesOf(real.children[0]!));
  });

  it("puts the paging fields on the list element as the documented lowercase attributes", () => {
    const page = {
      first_page_uri: "/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls.json?PageSize=50&Page=0",
      end: 0,
      previous_page_uri: null,
      calls: [{ sid: "CA92d4405c9237c4ea04b56cbda88e128c", parent_call_sid: null }],
      uri: "/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls.json?PageSize=50&Page=0",
      page_size: 50,
      start: 0,
      next_page_uri: "/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls.json?PageSize=50&Page=1&PageToken=PA1",
      page: 0,
    };
    const ours = parseXml(toTwilioXml(page, { kind: "list", listKey: "calls", itemName: resourceName("/2010-04-01/Accounts/{AccountSid}/Calls.json") })).children[0]!;
    const docs = parseXml(DOCS_LIST_XML).children[0]!;
    expect(ours.name).toBe(docs.name);
    for (const name of Object.keys(docs.attributes)) expect(ours.attributes).toHaveProperty(name);
    expect(ours.attributes.previouspageuri).toBe("");
    expect(ours.attributes.firstpageuri).toBe("/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Calls?PageSize=50&Page=0");
    expect(ours.children.map((c) => c.name)).toEqual(["Call"]);
    expect(valuesOf(ours.children[0]!)).toEqual(valuesOf(docs.children[0]!));
  });

  it("writes arrays as repeated singular children and escapes markup in text", () => {
    const xml = toTwilioXml({ flags: ["outbound", "a<b&c"], body: "</Body><Evil/>" }, { kind: "resource", name: "Message" });
    const message = parseXml(xml).children[0]!;
    expect(message.children[0]).toMatchObject({ name: "Flags", children: [{ name: "Flag", text: "outbound" }, { name: "Flag", text: "a<b&c" }] });
    expect(valuesOf(message).Body).toBe("</Body><Evil/>");
  });

  it("keeps the document well-formed for characters XML cannot carry", () => {
    expect(() => parseXml(toTwilioXml({ body: "a\u0000b\u001Fc\uD800" }, { kind: "resource", name: "Message" }))).not.toThrow();
  });
});

describe("element names", () => {
  it("name a resource after the last collection of its path, singular", () => {
    expect(resourceName("/2010-04-01/Accounts.json")).toBe("Account");
    expect(resourceName("/2010-04-01/Accounts/{Sid}.json")).toBe("Account");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}/Recordings/{Sid}.json")).toBe("Recording");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/{Sid}.json")).toBe("Media");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers/Local.json")).toBe("IncomingPhoneNumber");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{CountryCode}/TollFree.json")).toBe("AvailablePhoneNumber");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/Addresses/{Sid}.json")).toBe("Address");
    expect(resourceName("/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes.json")).toBe("ShortCode");
  });
});

describe("representation negotiation", () => {
  it("maps extension-less and .xml v2010 paths to XML, .csv to CSV, .json and product APIs to JSON", () => {
    expect(negotiateRepresentation("api", "/2010-04-01/Accounts")).toEqual({ representation: "xml", path: "/2010-04-01/Accounts.json" });
    expect(negotiateRepresentation("api", "/2010-04-01/Accounts/AC1/Messages.xml")).toEqual({ representation: "xml", path: "/2010-04-01/Accounts/AC1/Messages.json" });
    expect(negotiateRepresentation("api", "/2010-04-01/Accounts/AC1/Calls.csv")).toEqual({ representation: "csv", path: "/2010-04-01/Accounts/AC1/Calls.json" });
    expect(negotiateRepresentation("api", "/2010-04-01/Accounts.json")).toEqual({ representation: "json", path: "/2010-04-01/Accounts.json" });
    expect(negotiateRepresentation("messaging", "/v1/Services")).toEqual({ representation: "json", path: "/v1/Services" });
  });
});

describe("CSV", () => {
  it("writes a header of element names and one quoted row per item, leaving nested objects out", () => {
    const csv = toTwilioCsv({ messages: [{ sid: "SM1", body: 'Hi, "you"\nthere', price: null, subresource_uris: { media: "/x" }, uri: "/2010-04-01/Accounts/AC1/Messages/SM1.json" }] }, "messages");
    expect(csv).toBe('Sid,Body,Price,Uri\r\nSM1,"Hi, ""you""\nthere",,/2010-04-01/Accounts/AC1/Messages/SM1\r\n');
  });

  it("defuses cells a spreadsheet would run as formulas, but keeps phone numbers", () => {
    const csv = toTwilioCsv({ messages: [{ body: "=HYPERLINK(1)", to: "+15558675310" }] }, "messages");
    expect(csv.split("\r\n")[1]).toBe("'=HYPERLINK(1),+15558675310");
  });
});

describe("the sandbox answers in the negotiated representation", () => {
  let sandbox: SandboxHandle;
  beforeEach(async () => {
    sandbox = await startSandbox({ clock: "manual" });
  });
  afterEach(() => sandbox.stop());
  const auth = () => ({ Authorization: `Basic ${Buffer.from(`${sandbox.accountSid}:${sandbox.authToken}`).toString("base64")}` });
  const get = (path: string) => fetch(`${sandbox.url}/api${path}`, { headers: auth() });

  it("answers GET /2010-04-01/Accounts without an extension with the account list as XML", async () => {
    const response = await get("/2010-04-01/Accounts");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
    const list = parseXml(await response.text()).children[0]!;
    expect(list.name).toBe("Accounts");
    expect(list.attributes).toMatchObject({ page: "0", pagesize: "50", previouspageuri: "", nextpageuri: "", firstpageuri: "/2010-04-01/Accounts?PageSize=50&Page=0" });
    const account = valuesOf(list.children[0]!);
    expect(account).toMatchObject({ Sid: sandbox.accountSid, AuthToken: sandbox.authToken, Status: "active", Type: "Full", Uri: `/2010-04-01/Accounts/${sandbox.accountSid}` });
    expect((account.SubresourceUris as Record<string, string>).Messages).toBe(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages`);
  });

  it("creates a message with POST …/Messages (no extension) and answers 201 XML", async () => {
    const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages`, {
      method: "POST",
      headers: { ...auth(), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ To: "+15558675310", From: sandbox.phoneNumber, Body: "Hello" }).toString(),
    });
    expect(response.status).toBe(201);
    const message = parseXml(await response.text()).children[0]!;
    expect(message.name).toBe("Message");
    const values = valuesOf(message);
    expect(values).toMatchObject({ Body: "Hello", Status: "queued", Direction: "outbound-api", DateSent: null, ApiVersion: "2010-04-01" });
    expect(values.DateCreated).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const fetched = await get(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages/${values.Sid}.xml`);
    expect(valuesOf(parseXml(await fetched.text()).children[0]!).Sid).toBe(values.Sid);
  });

  it("updates with POST …/Accounts/{Sid}.xml and answers the resource as XML", async () => {
    const sub = await fetch(`${sandbox.url}/api/2010-04-01/Accounts`, { method: "POST", headers: auth() });
    const sid = valuesOf(parseXml(await sub.text()).children[0]!).Sid as string;
    const response = await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sid}.xml`, {
      method: "POST",
      headers: { ...auth(), "Content-Type": "application/x-www-form-urlencoded" },
      body: "FriendlyName=renamed",
    });
    expect(response.status).toBe(200);
    expect(valuesOf(parseXml(await response.text()).children[0]!)).toMatchObject({ Sid: sid, FriendlyName: "renamed" });
  });

  it("pages an XML list with next and previous page URIs that work as XML too", async () => {
    for (let i = 0; i < 3; i++) await fetch(`${sandbox.url}/api/2010-04-01/Accounts`, { method: "POST", headers: auth() });
    const first = parseXml(await (await get("/2010-04-01/Accounts?PageSize=2")).text()).children[0]!;
    expect(first.children).toHaveLength(2);
    expect(first.attributes.nextpageuri).toMatch(/^\/2010-04-01\/Accounts\?PageSize=2&Page=1&PageToken=PA\d+$/);
    const second = parseXml(await (await get(first.attributes.nextpageuri!)).text()).children[0]!;
    expect(second.attributes).toMatchObject({ page: "1", start: "2" });
    expect(second.attributes.previouspageuri).not.toBe("");
  });

  it("answers errors of XML requests as <RestException> with the JSON error's fields", async () => {
    const response = await get(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages/SM00000000000000000000000000000000`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/xml/);
    const error = parseXml(await response.text()).children[0]!;
    expect(error.name).toBe("RestException");
    expect(valuesOf(error)).toMatchObject({ Code: "20404", Status: "404", MoreInfo: "https://www.twilio.com/docs/errors/20404" });
    const anonymous = await fetch(`${sandbox.url}/api/2010-04-01/Accounts`);
    expect(anonymous.status).toBe(401);
    expect(valuesOf(parseXml(await anonymous.text()).children[0]!)).toMatchObject({ Code: "20003", Message: "Authenticate" });
  });

  it("answers a list as CSV for .csv and 404 for .csv on a single resource", async () => {
    await fetch(`${sandbox.url}/api/2010-04-01/Accounts/${sandbox.accountSid}/Messages.json`, {
      method: "POST",
      headers: { ...auth(), "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ To: "+15558675310", From: sandbox.phoneNumber, Body: "Hi, there" }).toString(),
    });
    const response = await get(`/2010-04-01/Accounts/${sandbox.accountSid}/Messages.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, row, end] = (await response.text()).split("\r\n");
    const columns = header!.split(",");
    expect(columns).toEqual(expect.arrayContaining(["Sid", "Body", "To", "From", "Status", "DateCreated", "Uri"]));
    expect(row).toContain('"Hi, there"');
    expect(end).toBe("");
    expect((await get(`/2010-04-01/Accounts/${sandbox.accountSid}.csv`)).status).toBe(404);
  });

  it("keeps JSON for .json paths and for the product APIs", async () => {
    const response = await get("/2010-04-01/Accounts.json");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await response.json()).accounts[0].sid).toBe(sandbox.accountSid);
  });
});
