export * from './app-secret';
export * from './flask-application';
export * from './flask-uwsgi-app-fleet';
export * from './fleet-cpu-scaling-props';
export * from './fleet-flow-scaling-props';
