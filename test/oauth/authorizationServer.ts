// The harness's authorization server lives in server/oauth/ (the demo embeds it too).
export * from '../../server/oauth/authorizationServer.js';
