import * as path from 'path';
import { ApacheUwsgiWebServer } from '@nlb-tiers/apache-uwsgi-web-server';
import { FlaskApplication, FlaskUwsgiAppFleet } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier } from '@nlb-tiers/internal-nlb-tier';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** My web app: Apache in a public subnet, an internal NLB, and my Flask app (flask-app/hello) on two instances. */
export class MyStack extends Stack {
  /** The web server's URL. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const tier = new InternalNlbTier(this, 'AppTier', { vpc });
    new FlaskUwsgiAppFleet(this, 'AppFleet', {
      vpc,
      loadBalancer: tier,
      minCapacity: 2,
      maxCapacity: 2,
      application: FlaskApplication.fromDirectory(path.join(__dirname, 'flask-app'), { module: 'hello.wsgi', callable: 'application' }),
    });
    const web = new ApacheUwsgiWebServer(this, 'WebServer', { vpc, upstream: tier });
    this.url = web.url;
    new CfnOutput(this, 'WebUrl', { value: web.url });
  }
}
