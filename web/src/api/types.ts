import type { components } from './schema';

type Schemas = components['schemas'];

export type Me = Schemas['MeOut'];
export type Legacy = Schemas['LegacyOut'];
export type LegacyInput = Schemas['LegacyInput'];
export type Member = Schemas['MemberOut'];
export type Membership = Schemas['MembershipOut'];
export type Role = Schemas['RoleDto'];
export type Story = Schemas['StoryOut'];
export type StoryInput = Schemas['StoryInput'];
export type StoryCreate = Schemas['StoryCreate'];
export type StoryPage = Schemas['StoryPage'];
export type Revision = Schemas['RevisionOut'];
export type Visibility = Schemas['VisibilityDto'];
export type SearchHit = Schemas['SearchHitOut'];
export type SearchPage = Schemas['SearchPage'];
export type Snippet = Schemas['SnippetOut'];
export type ImportResult = Schemas['ImportResult'];
export type ChatStatus = Schemas['ChatStatus'];
export type ChatEvent = Schemas['ChatEvent'];
export type Conversation = Schemas['ConversationOut'];
export type ConversationPage = Schemas['ConversationPage'];
export type ConversationDetail = Schemas['ConversationDetail'];
export type ChatMessage = Schemas['MessageOut'];
export type Invite = Schemas['InviteOut'];
export type InvitePreview = Schemas['InvitePreviewOut'];
