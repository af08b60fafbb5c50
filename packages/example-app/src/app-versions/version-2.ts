import { synthAppVersion } from './app-versions';

synthAppVersion({ version: '2' });
