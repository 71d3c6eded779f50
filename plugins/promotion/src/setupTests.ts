import '@testing-library/jest-dom';

// Dialog tests type whole reasons key by key; under a loaded CI machine, running four jest
// projects at once, that outgrows jest's 5 s default. `testTimeout` in package.json only
// applies to `package test`, so the timeout is set here, where `repo test` honours it too.
jest.setTimeout(30_000);
