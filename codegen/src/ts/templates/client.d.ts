@DECL@class Client {
	/** Shared by clients made with withOptions, so a login is seen by all of them. */
	authState: AuthState;
	options: ClientOptions;
	constructor();
	/** A client with a new authState holding token, and the same options. */
	withAuthToken(token: string): Client;
	/** A client with the same authState and the options merged over these. */
	withOptions(options: ClientOptions): Client;
