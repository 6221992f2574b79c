@EXPORT@class Client {
	constructor() {
		this.authState = {};
		this.options = { ...defaultOptions };
	}

	withAuthToken(token) {
		const c = new Client();
		c.authState.token = token;
		c.options = this.options;
		return c;
	}

	withOptions(options) {
		const c = new Client();
		c.authState = this.authState;
		c.options = { ...this.options, ...options };
		return c;
	}
