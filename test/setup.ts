// Loaded by mocha before any spec (see .mocharc.json): tests run with config/test.json.
process.env.NODE_ENV = 'test';
