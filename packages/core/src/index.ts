export * from './amazon-linux';
export * from './instance-role';
export * from './provisioned-server';
export * from './provisioning-log-bucket';
export * from './ssm-provisioning';
export * from './uwsgi-endpoints';
