/** One `WWW-Authenticate` challenge (RFC 9110 §11.6.1): its scheme, lowercased, and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PARAM = new RegExp(`^(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))$`);
const SCHEME = new RegExp(`^(${TOKEN})(?:\\s+(.*))?$`, 's');

/** Splits at the commas outside quoted strings. */
function items(header: string): string[] {
  return (header.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []).map((item) => item.trim()).filter(Boolean);
}

/**
 * The challenges of a `WWW-Authenticate` header. Synchronous, because an adapter classifies a
 * refusal before it decides to replay; oauth4webapi parses challenges only inside its own requests.
 */
export function parseChallenges(header: string | null): Challenge[] {
  const challenges: Challenge[] = [];
  const addParam = (item: string): boolean => {
    const param = PARAM.exec(item);
    const current = challenges.at(-1);
    if (!param || !current) return false;
    current.params[param[1]!.toLowerCase()] = param[2] === undefined ? param[3]! : param[2].replace(/\\(.)/g, '$1');
    return true;
  };
  for (const item of items(header ?? '')) {
    if (addParam(item)) continue;
    const scheme = SCHEME.exec(item);
    if (!scheme) continue;
    challenges.push({ scheme: scheme[1]!.toLowerCase(), params: {} });
    // The rest is the first parameter, or a token68 credential (`Basic abc==`), which is ignored.
    if (scheme[2]) addParam(scheme[2]);
  }
  return challenges;
}
