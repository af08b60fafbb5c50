export * from './apache-uwsgi-web-server';
