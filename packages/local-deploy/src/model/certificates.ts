import { References } from './references';
import { Certificate } from './topology';
import { TemplateResource } from '../assembly/cloud-assembly';

/**
 * The stack's ACM certificates, which the deployment's local CA issues in their place for the
 * same names: `DomainName` and `SubjectAlternativeNames`. How ACM validates them does not matter
 * locally, where nobody but the deployment's own clients trusts the CA.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-certificatemanager-certificate.html
 */
export function mapCertificates(resources: Record<string, TemplateResource>, references: References): Certificate[] {
  const resolver = references.resolver();
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CertificateManager::Certificate').map(([id, r]) => {
    const p = resolver.resolve(r.Properties ?? {});
    const domainNames = [...new Set<string>([p.DomainName, ...(p.SubjectAlternativeNames ?? [])].map(String))];
    return { logicalId: id, arn: references.ref(id) as string, domainNames };
  });
}
