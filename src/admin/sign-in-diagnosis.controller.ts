import { Controller, Get, Param, UseGuards, UsePipes } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { groupScope, INSTANCE } from '../common/scope.js';
import { PersonAuthGuard } from '../tokens/person-auth.guard.js';
import type { PersonPrincipal } from '../tokens/principal.js';
import { RequiredText } from './dto/coercion.js';
import { GitlabParams, GITLAB_VALIDATION } from './gitlab-params.js';
import { GroupAccessService, requireAdmin } from './group-access.service.js';
import { Principal } from './request-actor.js';
import { Diagnosis, SignInDiagnosisService } from './sign-in-diagnosis.service.js';

class DiagnosisQueryDto {
  /** A name, email, username, externalId or NameID. */
  @RequiredText(255) q: string;
}

/**
 * The sign-in troubleshooter's API: a group's (Owners and admins) and the instance's (admins).
 * Read-only; the answer holds identity data, so it is for those who manage the scope.
 */
@Controller('api/v4')
@UseGuards(PersonAuthGuard)
@UsePipes(GITLAB_VALIDATION)
export class SignInDiagnosisController {
  constructor(
    private readonly access: GroupAccessService,
    private readonly diagnosis: SignInDiagnosisService,
  ) {}

  @Get('groups/:group/sign_in_diagnosis')
  async group(@Principal() principal: PersonPrincipal, @Param('group') ref: string, @GitlabParams() input: DiagnosisQueryDto): Promise<Diagnosis> {
    const { group } = await this.access.resolve(principal, ref, 'manage');
    return this.diagnosis.diagnose(groupScope(group.id), query(input));
  }

  @Get('application/sign_in_diagnosis')
  async instance(@Principal() principal: PersonPrincipal, @GitlabParams() input: DiagnosisQueryDto): Promise<Diagnosis> {
    requireAdmin(principal);
    return this.diagnosis.diagnose(INSTANCE, query(input));
  }
}

function query(input: DiagnosisQueryDto): string {
  const q = input.q.trim();
  if (q === '') throw new DomainError('validation', 'q is missing', { shape: 'error' });
  return q;
}
