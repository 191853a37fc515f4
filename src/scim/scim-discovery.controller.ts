import { All, Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { ScimAuthGuard } from '../tokens/scim-auth.guard.js';
import { discoveryListResponse, findResourceType, findSchemaResource, renderResourceTypes, renderSchemas, renderServiceProviderConfig } from './schema/schemas-document.js';
import { ScimScopeGuard } from './scim-scope.guard.js';
import type { ScimRequest } from './scim-scope.guard.js';
import { SCIM_BASES } from './scim-users.controller.js';

const readOnly = () => new DomainError('method_not_allowed', 'This discovery endpoint is read-only: use GET');

/** RFC 7644 §4 discovery, plus the endpoints Roster does not offer (answered honestly, not 404). */
@Controller(SCIM_BASES)
@UseGuards(ScimAuthGuard, ScimScopeGuard)
export class ScimDiscoveryController {
  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Req() request: ScimRequest) {
    return renderServiceProviderConfig(request.scimContext!.baseUrl);
  }

  @Get('ResourceTypes')
  resourceTypes(@Req() request: ScimRequest) {
    return discoveryListResponse(renderResourceTypes(request.scimContext!.baseUrl));
  }

  @Get('ResourceTypes/:name')
  resourceType(@Req() request: ScimRequest, @Param('name') name: string) {
    const found = findResourceType(name, request.scimContext!.baseUrl);
    if (!found) throw new DomainError('not_found', `Resource type ${name} not found`);
    return found;
  }

  @Get('Schemas')
  schemas(@Req() request: ScimRequest) {
    return discoveryListResponse(renderSchemas(request.scimContext!.baseUrl));
  }

  @Get('Schemas/:urn')
  schema(@Req() request: ScimRequest, @Param('urn') urn: string) {
    const found = findSchemaResource(urn, request.scimContext!.baseUrl);
    if (!found) throw new DomainError('not_found', `Schema ${urn} not found`);
    return found;
  }

  @All(['ServiceProviderConfig', 'ResourceTypes', 'ResourceTypes/:name', 'Schemas', 'Schemas/:urn'])
  discoveryWrite(): never {
    throw readOnly();
  }

  @All(['Bulk', 'Bulk/*path'])
  bulk(): never {
    throw new DomainError('not_implemented', 'Bulk operations are not supported (ServiceProviderConfig bulk.supported is false)');
  }

  @All(['Me', 'Me/*path'])
  me(): never {
    throw new DomainError('not_implemented', 'The /Me endpoint is not supported: SCIM tokens belong to a group or the instance, not a person');
  }
}
