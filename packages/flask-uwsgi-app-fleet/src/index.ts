export * from './flask-application';
export * from './flask-uwsgi-app-fleet';
