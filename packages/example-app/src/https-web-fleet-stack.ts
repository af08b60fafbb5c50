import { ApacheUwsgiWebFleet, ApacheUwsgiWebFleetProps } from '@nlb-tiers/apache-uwsgi-web-server';
import { ProvisioningLogBucket } from '@nlb-tiers/core';
import { FlaskUwsgiAppFleet, FlaskUwsgiAppFleetProps } from '@nlb-tiers/flask-uwsgi-app-fleet';
import { InternalNlbTier } from '@nlb-tiers/internal-nlb-tier';
import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { referenceVpc } from './reference-architecture-stack';

export interface HttpsWebFleetStackProps extends StackProps {
  /** The Route 53 hosted zone that validates the certificate and holds the site's alias record. */
  readonly zone: { readonly hostedZoneId: string; readonly zoneName: string };
  /** The site's name, inside the zone. */
  readonly domainName: string;
  readonly fleet?: Omit<FlaskUwsgiAppFleetProps, 'vpc' | 'loadBalancer' | 'logBucket'>;
  readonly webFleet?: Omit<ApacheUwsgiWebFleetProps, 'vpc' | 'upstream' | 'logBucket' | 'certificate' | 'domainName' | 'domainZone'>;
  /**
   * The same fleet with an HTTP listener only: no certificate and no alias record (`zone` and
   * `domainName` unused). The bench measures what TLS costs against it.
   *
   * @default false
   */
  readonly httpOnly?: boolean;
}

/**
 * The production path: the reference architecture's app tier behind an ApacheUwsgiWebFleet, two
 * Apache servers in two zones behind an internet-facing Application Load Balancer that terminates
 * HTTPS with an ACM certificate (validated by DNS in `zone`) and redirects HTTP to HTTPS.
 */
export class HttpsWebFleetStack extends Stack {
  public readonly vpc: ec2.Vpc;
  public readonly tier: InternalNlbTier;
  public readonly fleet: FlaskUwsgiAppFleet;
  public readonly web: ApacheUwsgiWebFleet;

  constructor(scope: Construct, id: string, props: HttpsWebFleetStackProps) {
    super(scope, id, props);
    this.vpc = referenceVpc(this);
    const logBucket = new ProvisioningLogBucket(this, 'ProvisioningLogs').bucket;
    this.tier = new InternalNlbTier(this, 'AppTier', { vpc: this.vpc });
    this.fleet = new FlaskUwsgiAppFleet(this, 'AppFleet', { ...props.fleet, vpc: this.vpc, loadBalancer: this.tier, logBucket });
    this.web = new ApacheUwsgiWebFleet(this, 'WebFleet', {
      ...props.webFleet, vpc: this.vpc, upstream: this.tier, logBucket, ...props.httpOnly ? {} : this.site(props),
    });
    new CfnOutput(this, 'WebUrl', { value: this.web.url, description: props.httpOnly ? 'The site\'s HTTP URL' : 'The site\'s HTTPS URL' });
  }

  /** The certificate, validated by DNS in the zone, and the alias record's name and zone. */
  private site(props: HttpsWebFleetStackProps) {
    const domainZone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', props.zone);
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(domainZone),
    });
    return { certificate, domainName: props.domainName, domainZone };
  }
}
