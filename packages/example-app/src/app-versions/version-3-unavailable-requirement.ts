import { synthAppVersion } from './app-versions';

synthAppVersion({ version: '3', unavailableRequirement: 'nlb-tiers-unavailable==1.0' });
