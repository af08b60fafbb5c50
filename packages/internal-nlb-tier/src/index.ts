export * from './internal-nlb-tier';
