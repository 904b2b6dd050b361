// The harness's resource server lives in server/oauth/ (the demo verifies DPoP tokens with it too).
export * from '../../server/oauth/resourceServer.js';
