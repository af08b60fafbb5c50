import { LocalDeployment } from '@nlb-tiers/local-deploy';
import { App } from 'aws-cdk-lib';
import { MyStack } from '../my-stack';

test('my app answers through the web server and the load balancer, from both instances', async () => {
  const app = new App();
  new MyStack(app, 'MyStack');
  const assemblyDir = app.synth().directory;

  const d = await LocalDeployment.up(assemblyDir, 'MyStack');
  try {
    const response = await d.get('/');
    expect(response.status).toBe(200);
    expect(response.body).toBe('Hello from my app');
    expect(JSON.parse((await d.get('/health')).body)).toEqual({ status: 'ok' });
    // Both instances of the fleet are registered and healthy.
    expect(Object.values(d.targetHealth()).flat().map(t => t.state)).toEqual(['healthy', 'healthy']);
  } finally {
    await d.down();
  }
}, 15 * 60 * 1000);
