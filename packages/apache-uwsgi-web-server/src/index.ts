export * from './apache-uwsgi-proxy-props';
export * from './apache-uwsgi-web-fleet';
export * from './apache-uwsgi-web-server';
