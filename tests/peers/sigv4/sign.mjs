// Signs one request with the AWS SDK for JavaScript's SigV4 signer: the request comes as JSON
// on stdin, the signed URL and headers go to stdout as JSON.
import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const url = new URL(input.url);
const query = {};
for (const [name, value] of url.searchParams) query[name] = value;
const signer = new SignatureV4({
  service: input.service,
  region: input.region,
  sha256: Hash.bind(null, "sha256"),
  credentials: {
    accessKeyId: input.accessKeyId,
    secretAccessKey: input.secretAccessKey,
    sessionToken: input.sessionToken,
  },
  // S3 signs the path as sent; every other service encodes it again.
  uriEscapePath: input.service !== "s3",
  applyChecksum: true,
});
const request = {
  method: input.method,
  protocol: url.protocol,
  hostname: url.hostname,
  port: url.port ? Number(url.port) : undefined,
  path: url.pathname,
  query,
  headers: { host: url.host, ...input.headers },
  body: input.body,
};
const signed = input.presign
  ? await signer.presign(request, { expiresIn: input.expiresIn, signingDate: new Date() })
  : await signer.sign(request);
const search = new URLSearchParams();
for (const [name, value] of Object.entries(signed.query ?? {})) search.append(name, value);
const text = search.toString().replace(/\+/g, "%20");
process.stdout.write(
  JSON.stringify({
    url: `${url.protocol}//${url.host}${url.pathname}${text ? `?${text}` : ""}`,
    headers: signed.headers,
  }),
);
