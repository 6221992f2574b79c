export class Client {
	/** Shared by clients made with withOptions, so a login is seen by all of them. */
	public authState: AuthState
	public options: ClientOptions

	constructor() {
		this.authState = {}
		this.options = { ...defaultOptions }
	}

	/** A client with a new authState holding token, and the same options. */
	withAuthToken(token: string): Client {
		const c = new Client()
		c.authState.token = token
		c.options = this.options
		return c
	}

	/** A client with the same authState and the options merged over these. */
	withOptions(options: ClientOptions): Client {
		const c = new Client()
		c.authState = this.authState
		c.options = { ...this.options, ...options }
		return c
	}
